using System.Collections.Concurrent;
using System.Globalization;
using Mail.Protocols.Filtering;
using Mail.Web.Tests.Protocols.Store;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>
/// The shared corpus through SMTP-in with the real spamd (-L: no network tests) and clamd:
/// every ham is accepted and stored (never refused: "lost" in the matrix counts ham filed to Junk),
/// every spam is scored or found as malware, no scanner fails. Prints the confusion matrix.
/// </summary>
/// <remarks>
/// Thresholds are the defaults (junk 5.0 = SpamAssassin's required_score, reject 15.0). With <c>-L</c>
/// SpamAssassin runs no network tests (no DNSBL/URIBL/DNSWL/Razor) and has no Bayes data, so the
/// matrix is what the static rules alone achieve; several corpus files are rule fixtures lacking
/// Date/Message-ID, which costs them points.
/// </remarks>
public sealed class CorpusScanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Corpus_HamPasses_SpamIsScored_PrintsConfusionMatrix()
    {
        await using var h = await FilterSmtpHarness.StartAsync();
        var root = CorpusFiles.Root();
        var ham = Files(Path.Combine(root, "ham"));
        var spam = Files(Path.Combine(root, "spam"));
        Assert.NotEmpty(ham);
        Assert.NotEmpty(spam);

        var hamResults = await SendAllAsync(h, ham);
        var spamResults = await SendAllAsync(h, spam);

        var verdicts = h.Host.Services.GetRequiredService<IVerdictStore>();
        var lines = new List<string>();
        int hamLost = 0, spamCaught = 0, spamMissed = 0, failures = 0;
        foreach (var (set, results) in new[] { ("ham", hamResults), ("spam", spamResults) })
        {
            foreach (var (file, reply) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var action = ActionOf(reply);
                if (reply.StartsWith("250 ", StringComparison.Ordinal))
                {
                    var record = await verdicts.FindAsync("alice@example.com", FilterSmtpHarness.QueueId(reply), CancellationToken.None);
                    action = record!.Action.ToString();
                    var spamd = record.Checks.Single(c => c.Name == "spamd");
                    action += string.Create(CultureInfo.InvariantCulture, $" score={spamd.Score:0.0} tests={string.Join(',', spamd.Symbols)}");
                    if (spamd.Outcome == ScanOutcome.Failed || record.Checks.Any(c => c.Outcome == ScanOutcome.Failed))
                    {
                        failures++;
                    }
                }
                else if (reply.StartsWith("451 ", StringComparison.Ordinal))
                {
                    failures++;
                }
                var caught = !action.StartsWith("Deliver", StringComparison.Ordinal);
                if (set == "ham" && caught)
                {
                    hamLost++;
                }
                if (set == "spam")
                {
                    if (caught)
                    {
                        spamCaught++;
                    }
                    else
                    {
                        spamMissed++;
                    }
                }
                lines.Add($"{set,-4} {(caught ? "CAUGHT" : "passed"),-6} {file}: {action}");
            }
        }
        output.WriteLine("Confusion matrix (spamd -L, clamd EICAR-only db; caught = Junk or 550/554):");
        output.WriteLine("            caught  passed");
        output.WriteLine($"  spam      {spamCaught,6}  {spamMissed,6}   ({spamCaught}/{spam.Count} spam caught)");
        output.WriteLine($"  ham       {hamLost,6}  {ham.Count - hamLost,6}   ({hamLost}/{ham.Count} ham lost)");
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(0, failures);
        // Ham is never refused: at worst it is filed to Junk, where the user sees it with the reason.
        Assert.All(hamResults.Values, reply => Assert.StartsWith("250 ", reply));
        var stored = (await h.Host.InboxAsync("alice@example.com")).Count + (await h.Host.MailboxAsync("alice@example.com", "Junk")).Count;
        Assert.Equal(ham.Count + spamResults.Values.Count(r => r.StartsWith("250 ", StringComparison.Ordinal)), stored);
        Assert.Equal(ham.Count - hamLost + spamMissed, (await h.Host.InboxAsync("alice@example.com")).Count);
    }

    private static List<string> Files(string directory) =>
        Directory.EnumerateFiles(directory).Where(f => !Path.GetFileName(f).Equals("SOURCES.md", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Sends every file (two sessions at a time: spamd runs two children).</summary>
    private static async Task<ConcurrentDictionary<string, string>> SendAllAsync(FilterSmtpHarness h, List<string> files)
    {
        var results = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (file, token) =>
            results[Path.GetFileName(file)] = await h.SendAsync(FilterTestMessages.ToWire(await File.ReadAllBytesAsync(file, token))));
        return results;
    }

    private static string ActionOf(string reply) => reply[..3] switch
    {
        "550" => "RejectSpam 550",
        "554" => "RejectVirus 554",
        "451" => "Tempfail 451",
        _ => reply,
    };
}

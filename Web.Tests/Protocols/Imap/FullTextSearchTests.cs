using System.Diagnostics;
using System.Text;
using Mail.Protocols.Store;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>SEARCH BODY/TEXT over IMAP, answered from the full-text index, and its speed on a large mailbox.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class FullTextSearchTests(ImapHostFixture host, ITestOutputHelper output)
{
    private static readonly string[] Words =
    [
        "invoice", "meeting", "project", "budget", "quarterly", "report", "travel", "schedule", "customer", "release",
        "server", "backup", "holiday", "contract", "review", "design", "network", "printer", "lunch", "deadline",
    ];

    [Fact]
    public async Task Search_BodyAndText_FindEncodedContent_WithSubstringSemantics()
    {
        var mailbox = ImapTranscript.Unique("FT");
        var encoded = "From: a@example.com\r\nSubject: =?iso-8859-1?q?Caf=E9_menu?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Crème brûlée tonight\r\n")) + "\r\n";
        await using var c = await ImapTranscript.MailboxWithAsync(host, mailbox, encoded, ImapTestMessages.Simple("plain"));
        Assert.Equal(["* SEARCH 1", "a1 OK SEARCH completed"], await c.CommandAsync("a1 SEARCH BODY \"brûlée\""));
        Assert.Equal(["* SEARCH 1", "a2 OK SEARCH completed"], await c.CommandAsync("a2 SEARCH CHARSET UTF-8 TEXT \"CAFÉ\""));
        Assert.Equal(["* SEARCH", "a3 OK SEARCH completed"], await c.CommandAsync("a3 SEARCH BODY \"café\""));
        Assert.Equal(["* SEARCH 2", "a4 OK SEARCH completed"], await c.CommandAsync("a4 SEARCH BODY orl"));
        Assert.Equal(["* SEARCH 1 2", "a5 OK SEARCH completed"], await c.CommandAsync("a5 SEARCH OR BODY ght BODY econd"));
        Assert.Equal(["* SEARCH 1", "a6 OK SEARCH completed"], await c.CommandAsync("a6 SEARCH NOT BODY world"));
        Assert.Equal(["* SEARCH 2", "a7 OK UID SEARCH completed"], await c.CommandAsync("a7 UID SEARCH TEXT plain BODY \"Hello World\""));
        // Under three characters: letters or digits match word prefixes ("Br" of "brûlée"), not inner substrings.
        Assert.Equal(["* SEARCH 1", "a9 OK SEARCH completed"], await c.CommandAsync("a9 SEARCH BODY Br"));
        Assert.Equal(["* SEARCH", "a10 OK SEARCH completed"], await c.CommandAsync("a10 SEARCH BODY rl"));
        Assert.Equal(["* SEARCH 1 2", "a11 OK SEARCH completed"], await c.CommandAsync("a11 SEARCH TEXT a"));
        Assert.StartsWith("s1 OK", (await c.CommandAsync("s1 STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("e1 OK", (await c.CommandAsync("e1 EXPUNGE"))[^1], StringComparison.Ordinal);
        Assert.Equal(["* SEARCH", "a8 OK SEARCH completed"], await c.CommandAsync("a8 SEARCH BODY world"));
    }

    [Fact]
    public async Task SearchText_Over10000Messages_IsAnsweredFromTheIndex()
    {
        const int count = 10_000;
        var mailbox = ImapTranscript.Unique("Big");
        var store = host.Services.GetRequiredService<IMailStore>();
        var account = await store.OpenAccountAsync(MailHostFixture.Alice, default);
        Assert.Equal(StoreStatus.Ok, await account.CreateMailboxAsync(mailbox, SpecialUse.None, default));
        var fill = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var result = await account.AppendAsync(mailbox, new MemoryStream(Generate(i)), MessageFlags.None, [], DateTimeOffset.UtcNow, ct);
            Assert.Equal(StoreStatus.Ok, result.Status);
        });
        output.WriteLine($"Appended {count} messages in {fill.ElapsedMilliseconds} ms");

        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s1 OK", (await c.CommandAsync($"s1 SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        // Warm-up (connection pool, page cache), then timed runs of a rare and a common term.
        await c.CommandAsync("w1 SEARCH TEXT warmup");
        var rare = await TimeAsync(c, "r", "SEARCH TEXT \"zebra-4242\"");
        Assert.Matches(@"^\* SEARCH \d+$", rare.Reply[0]);
        var common = await TimeAsync(c, "m", "SEARCH RETURN (COUNT) TEXT quarterly");
        Assert.Matches(@"^\* ESEARCH \(TAG ""m4""\) COUNT \d+$", common.Reply[0]);
        var body = await TimeAsync(c, "b", "UID SEARCH RETURN (COUNT) BODY \"ticket 99\"");
        var expected = Enumerable.Range(0, count).Count(i => ("ticket " + (i % 900) + "\r\n").Contains("ticket 99", StringComparison.Ordinal));
        Assert.Equal($"* ESEARCH (TAG \"b4\") UID COUNT {expected}", body.Reply[0]);
        output.WriteLine($"SEARCH TEXT over {count} messages, median of 5: rare term {rare.Ms:F1} ms, common term {common.Ms:F1} ms, BODY phrase {body.Ms:F1} ms");
        // The target is 100 ms; the bound here leaves room for a machine shared by many builds.
        Assert.True(rare.Ms < 2000, $"rare-term search took {rare.Ms} ms");
    }

    private static async Task<(double Ms, List<string> Reply)> TimeAsync(ImapTestConnection c, string prefix, string command)
    {
        var times = new List<double>();
        List<string> reply = [];
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            reply = await c.CommandAsync($"{prefix}{i} {command}");
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[2], reply);
    }

    /// <summary>A message of ~1.5 KB of words; message i carries "zebra-i" and "ticket i % 900".</summary>
    private static byte[] Generate(int i)
    {
        var rng = new Random(i);
        var sb = new StringBuilder();
        sb.Append("From: sender").Append(i % 97).Append("@example.net\r\nTo: alice@example.com\r\nSubject: ")
          .Append(Words[rng.Next(Words.Length)]).Append(' ').Append(Words[rng.Next(Words.Length)]).Append(" #").Append(i)
          .Append("\r\nDate: Mon, 7 Feb 2022 10:00:00 +0000\r\nMessage-ID: <gen").Append(i).Append("@example.net>\r\n\r\n");
        for (var line = 0; line < 20; line++)
        {
            for (var w = 0; w < 10; w++)
            {
                sb.Append(Words[rng.Next(Words.Length)]).Append(' ');
            }
            sb.Append("\r\n");
        }
        sb.Append("zebra-").Append(i).Append(" ticket ").Append(i % 900).Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Mail.Protocols.Imap.Session;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>
/// The imaptest scripts (../shared/conformance/imaptest/tests) and which of them apply to this
/// server: a script applies when every capability in its header is one we advertise
/// (<see cref="ImapCapabilities"/>).
/// </summary>
public static class ImaptestSuite
{
    /// <summary>The scripts folder.</summary>
    public static string ScriptsPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Webmail.sln")))
        {
            dir = dir.Parent;
        }
        var path = dir is null ? "" : Path.Combine(dir.FullName, "..", "shared", "conformance", "imaptest", "tests");
        if (!Directory.Exists(path))
        {
            path = "/work/shared/conformance/imaptest/tests";
        }
        return Path.GetFullPath(path);
    }

    /// <summary>Every script, by name (files without <c>.mbox</c>; the <c>broken/</c> folder upstream excludes is skipped like imaptest does).</summary>
    public static IReadOnlyList<string> AllNames() =>
        Directory.GetFiles(ScriptsPath())
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.EndsWith(".mbox", StringComparison.Ordinal) && !n.StartsWith('.'))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static ImapTestScript Load(string name) => ImapTestScript.Load(Path.Combine(ScriptsPath(), name));

    /// <summary>The capabilities a script needs that we do not advertise (empty: it applies).</summary>
    public static IReadOnlyList<string> MissingCapabilities(ImapTestScript script)
    {
        var advertised = script.State == ImapTestStartState.NonAuth ? ImapCapabilities.Always : ImapCapabilities.AllAuthenticated;
        return script.Capabilities.Where(c => !advertised.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>Names of the scripts that apply.</summary>
    public static IEnumerable<string> ApplicableNames() => AllNames().Where(n => MissingCapabilities(Load(n)).Count == 0);
}

/// <summary>
/// Runs imaptest scripts against a mail host of its own (or, when <c>IMAPTEST_PORT</c> is set, against
/// an external server such as Dovecot: <c>IMAPTEST_HOST</c>, <c>IMAPTEST_PORT</c>, <c>IMAPTEST_USER</c>,
/// <c>IMAPTEST_PASSWORD</c>, optional <c>IMAPTEST_USER2</c>). Each script runs once; results are cached.
/// </summary>
public sealed class ImaptestFixture : Infrastructure.MailHostFixture
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ImapScriptResult>>> _results = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _serial = new(1, 1);

    public ImaptestFixture()
        : base(new Dictionary<string, string?>
        {
        })
    {
    }

    /// <summary>Whether the scripts run against an external server.</summary>
    public static bool External => Environment.GetEnvironmentVariable("IMAPTEST_PORT") is not null;

    public ImapScriptTarget Target()
    {
        if (External)
        {
            var user = Environment.GetEnvironmentVariable("IMAPTEST_USER") ?? Alice;
            var password = Environment.GetEnvironmentVariable("IMAPTEST_PASSWORD") ?? Password;
            var user2 = Environment.GetEnvironmentVariable("IMAPTEST_USER2") ?? user;
            return new ImapScriptTarget(
                Environment.GetEnvironmentVariable("IMAPTEST_HOST") ?? "127.0.0.1",
                int.Parse(Environment.GetEnvironmentVariable("IMAPTEST_PORT")!, CultureInfo.InvariantCulture),
                [(user, password), (user2, password)]);
        }
        var endpoint = Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        return new ImapScriptTarget(endpoint.Address.ToString(), endpoint.Port, [(Alice, Password), (Bob, Password)]);
    }

    /// <summary>The result of script <paramref name="name"/>, running it on first request (one script at a time).</summary>
    public Task<ImapScriptResult> ResultAsync(string name) =>
        _results.GetOrAdd(name, n => new Lazy<Task<ImapScriptResult>>(() => RunAsync(n))).Value;

    private async Task<ImapScriptResult> RunAsync(string name)
    {
        await _serial.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            return await ImapScriptRunner.RunAsync(ImaptestSuite.Load(name), Target(), cts.Token);
        }
        finally
        {
            _serial.Release();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ImaptestCollection : ICollectionFixture<ImaptestFixture>
{
    public const string Name = "Imaptest";
}

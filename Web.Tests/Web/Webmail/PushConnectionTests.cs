using System.Diagnostics;
using System.Globalization;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The session's one push connection (NOTIFY, RFC 5465) in chromium: how many IMAP connections a signed-in tab holds,
/// counted at the server's socket table; folders another client creates, renames and deletes showing in the tree with
/// their counts; new mail to the open folder and to another one. Each test has a host of its own (its IMAP port is
/// counted alone) that polls the counts once an hour, so only push moves them. The issue asks for 2 s; the waits allow
/// 30 s on a loaded machine and the measured latencies are printed.
/// </summary>
public sealed class PushConnectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string?> NoPoll = new() { ["Mail:Webmail:FolderStatusSeconds"] = "3600" };

    [Fact]
    public async Task SignedInTab_HoldsTwoImapConnectionsAtTheServer_AndASecondTabAddsNone()
    {
        // The command connection stays for the whole test (no idle logout), so the count is exact.
        await using var host = await MailHostFixture.StartAsync(new Dictionary<string, string?>(NoPoll) { ["Mail:Webmail:PoolConnectionIdleSeconds"] = "0" });
        var user = await ListSelectionTests.NewUserAsync(host, "conn");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Side", 1);
        }
        var port = host.Endpoint(MailEndpoints.Imap).Port;
        await WaitConnectionsAsync(port, 0);

        await using var session = await ShellSession.SignInAsync(host, user);
        await WaitPushAsync(host, user, notify: true);
        // The command connection (list, counts) and the push connection: the two watchers of before were one each.
        await WaitConnectionsAsync(port, 2);
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        Assert.Equal(2, pool.OpenConnections);
        output.WriteLine($"IMAP connections at the server, one signed-in tab: {await ServerConnectionsAsync(port)}");

        // A second tab of the same sign-in on another folder shares both.
        var second = await session.Context.NewPageAsync();
        await second.GotoAsync(WebmailRoutes.List("Side"));
        await ShellSession.WaitInteractiveAsync(second);
        await second.WaitForSelectorAsync("[data-testid=message-list][data-total='1'] .row[data-uid]");
        await WaitPushAsync(host, user, notify: true);
        Assert.Equal(2, await ServerConnectionsAsync(port));
        output.WriteLine($"IMAP connections at the server, two tabs on two folders: {await ServerConnectionsAsync(port)}");

        // Both tabs follow new mail: the second's folder is the selected one, the first's comes as STATUS.
        using var other = await ListImap.ConnectAsync(host, user);
        await other.Inbox.AppendAsync(Message("For the first tab"), MessageFlags.None);
        var side = await other.GetFolderAsync("Side");
        await side.AppendAsync(Message("For the second tab"), MessageFlags.None);
        await session.Page.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "For the first tab" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        await second.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "For the second tab" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        // The tabs' two, plus the other client's.
        Assert.Equal(3, await ServerConnectionsAsync(port));

        await second.CloseAsync();
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task FolderCreatedRenamedAndDeletedByAnotherClient_FollowInTheTree_WithTheirCounts()
    {
        await using var host = await MailHostFixture.StartAsync(NoPoll);
        var user = await ListSelectionTests.NewUserAsync(host, "mbx");
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        await WaitPushAsync(host, user, notify: true);

        // python3 imaplib creates a folder and files an unread message into it after the push connection opened.
        var watch = Stopwatch.StartNew();
        await ImaplibAsync(host, user,
            "print(m.create('Fresh')[0])\n" +
            "print(m.append('Fresh', None, None, b'From: a@example.org\\r\\nSubject: fresh\\r\\n\\r\\nhello\\r\\n')[0])\n");
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Fresh'] .unread", new PageLocatorOptions { HasText = "1" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var created = watch.Elapsed;

        // MailKit renames it: the tree shows the new name with the count, not the old one.
        watch.Restart();
        using var other = await ListImap.ConnectAsync(host, user);
        var fresh = await other.GetFolderAsync("Fresh");
        await fresh.RenameAsync(other.GetFolder(other.PersonalNamespaces[0]), "Renamed");
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Renamed'] .unread", new PageLocatorOptions { HasText = "1" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Fresh']")
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = (float)Generous.TotalMilliseconds });
        var renamed = watch.Elapsed;

        // A folder created empty appears too (no message event: only MailboxName announces it).
        watch.Restart();
        await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync("Empty", isMessageFolder: true);
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Empty']")
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var empty = watch.Elapsed;

        // Deleted: gone from the tree.
        watch.Restart();
        var renamedFolder = await other.GetFolderAsync("Renamed");
        await renamedFolder.DeleteAsync();
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Renamed']")
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = (float)Generous.TotalMilliseconds });
        var deleted = watch.Elapsed;

        output.WriteLine($"folder tree push latency (includes the other client's own time): created+appended {created.TotalMilliseconds:F0} ms, " +
            $"renamed {renamed.TotalMilliseconds:F0} ms, created empty {empty.TotalMilliseconds:F0} ms, deleted {deleted.TotalMilliseconds:F0} ms");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task NewMail_ToTheOpenFolderAndToAnother_ArrivesByPush_TwentyEventsMeasured()
    {
        await using var host = await MailHostFixture.StartAsync(NoPoll);
        var user = await ListSelectionTests.NewUserAsync(host, "lat");
        using var other = await ListImap.ConnectAsync(host, user);
        var side = await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync("Side", isMessageFolder: true)
            ?? throw new InvalidOperationException("CREATE returned no folder");
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        await WaitPushAsync(host, user, notify: true);

        var inbox = new List<double>();
        var elsewhere = new List<double>();
        for (var i = 1; i <= 12; i++)
        {
            var watch = Stopwatch.StartNew();
            await other.Inbox.AppendAsync(Message($"Arrival {i:D2}"), MessageFlags.None);
            await page.Locator(".row[data-uid]", new PageLocatorOptions { HasText = $"Arrival {i:D2}" })
                .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
            inbox.Add(watch.Elapsed.TotalMilliseconds);

            watch.Restart();
            await side.AppendAsync(Message($"Side {i:D2}"), MessageFlags.None);
            await page.Locator("[data-testid=folder-list] a.folder[data-folder='Side'] .unread", new PageLocatorOptions { HasText = i.ToString(CultureInfo.InvariantCulture) })
                .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
            elsewhere.Add(watch.Elapsed.TotalMilliseconds);
        }
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='12']");

        var all = inbox.Concat(elsewhere).ToList();
        output.WriteLine($"push latency, APPEND by another client to the row/count in chromium (n={all.Count}): " +
            $"open folder p50 {Percentile(inbox, 50):F0} ms max {inbox.Max():F0} ms; other folder p50 {Percentile(elsewhere, 50):F0} ms max {elsewhere.Max():F0} ms; " +
            $"all p50 {Percentile(all, 50):F0} ms p95 {Percentile(all, 95):F0} ms max {all.Max():F0} ms; load {LoadAverage()}");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task WithoutNotify_OneIdleConnection_PushesTheOpenFolder_AndPollsTheOtherTabsFolder()
    {
        await using var host = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:PushUseNotify"] = "false",
            ["Mail:Webmail:FolderStatusSeconds"] = "2",
            ["Mail:Webmail:PoolConnectionIdleSeconds"] = "0",
        });
        var user = await ListSelectionTests.NewUserAsync(host, "idle");
        using var other = await ListImap.ConnectAsync(host, user);
        var side = await ListImap.CreateFilledAsync(other, "Side", 1);
        var port = host.Endpoint(MailEndpoints.Imap).Port;

        await using var session = await ShellSession.SignInAsync(host, user);
        await WaitPushAsync(host, user, notify: false);
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        Assert.Equal(0, pool.AccountWatchingConnections(user));
        // The other test client plus the tab's command and push connections.
        await WaitConnectionsAsync(port, 3);

        // IDLE on the open folder.
        var watch = Stopwatch.StartNew();
        await other.Inbox.AppendAsync(Message("Idle arrival"), MessageFlags.None);
        await session.Page.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "Idle arrival" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var idle = watch.Elapsed;

        // A second tab on Side: the push connection moves there; the first tab's INBOX is polled with STATUS.
        var second = await session.Context.NewPageAsync();
        await second.GotoAsync(WebmailRoutes.List("Side"));
        await ShellSession.WaitInteractiveAsync(second);
        await second.WaitForSelectorAsync("[data-testid=message-list][data-total='1'] .row[data-uid]");
        await side.AppendAsync(Message("Side arrival"), MessageFlags.None);
        await second.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "Side arrival" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        watch.Restart();
        await other.Inbox.AppendAsync(Message("Polled arrival"), MessageFlags.None);
        await session.Page.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "Polled arrival" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var polled = watch.Elapsed;
        Assert.Equal(3, await ServerConnectionsAsync(port));

        output.WriteLine($"without NOTIFY: IDLE {idle.TotalMilliseconds:F0} ms, other tab's folder by STATUS poll (2 s) {polled.TotalMilliseconds:F0} ms");
        await second.CloseAsync();
        Assert.Empty(session.Errors);
    }

    /// <summary>Polls until <paramref name="user"/>'s push connection is open (with NOTIFY set when <paramref name="notify"/>).</summary>
    private static async Task WaitPushAsync(MailHostFixture host, string user, bool notify)
    {
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        var deadline = Stopwatch.StartNew();
        while (pool.WatchingConnections(user) == 0 || (notify && pool.AccountWatchingConnections(user) == 0))
        {
            Assert.True(deadline.Elapsed < Generous, "the push connection never opened");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls until the server holds <paramref name="expected"/> established IMAP connections.</summary>
    private static async Task WaitConnectionsAsync(int port, int expected)
    {
        var deadline = Stopwatch.StartNew();
        int seen;
        while ((seen = await ServerConnectionsAsync(port)) != expected)
        {
            Assert.True(deadline.Elapsed < Generous, $"the server holds {seen} IMAP connections, expected {expected}");
            await Task.Delay(100);
        }
    }

    /// <summary>Established TCP connections whose local (server) port is the IMAP listener's, from the kernel's table (<c>ss</c>).</summary>
    private static async Task<int> ServerConnectionsAsync(int port)
    {
        var result = await ExternalProcess.RunAsync("ss", ["-Htn", "state", "established", $"( sport = :{port} )"], Generous);
        Assert.True(result.ExitCode == 0, result.Transcript);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
    }

    private static async Task ImaplibAsync(MailHostFixture host, string user, string commands)
    {
        var port = host.Endpoint(MailEndpoints.Imap).Port;
        var script = "import imaplib\n" +
                     $"m=imaplib.IMAP4('127.0.0.1',{port},timeout=30)\n" +
                     $"m.login('{user}','{MailHostFixture.Password}')\n" +
                     commands +
                     "m.logout()\n";
        var result = await ExternalProcess.RunAsync("python3", ["-c", script], Generous);
        Assert.True(result.ExitCode == 0 && result.StandardOutput.Contains("OK", StringComparison.Ordinal), result.Transcript);
    }

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("other@example.org"));
        message.To.Add(MailboxAddress.Parse(MailHostFixture.Bob));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Pushed.\r\n" };
        return message;
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

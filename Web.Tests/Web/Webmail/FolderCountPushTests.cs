using System.Diagnostics;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using MailKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The folder tree's unread counts of folders nobody has open follow changes by push (the session's NOTIFY connection,
/// RFC 5465), not by the LIST-STATUS poll: the host here polls once an hour, so only push can move the count. The issue
/// asks for 2 s; the waits allow 30 s on a loaded machine and the measured latencies are printed.
/// </summary>
public sealed class FolderCountPushTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnreadCountOfAnotherFolder_FollowsDeliveryAndReadByAnotherClient_WithoutThePoll()
    {
        await using var host = await MailHostFixture.StartAsync(new Dictionary<string, string?> { ["Mail:Webmail:FolderStatusSeconds"] = "3600" });
        var user = await ListSelectionTests.NewUserAsync(host, "cnt");
        using var other = await ListImap.ConnectAsync(host, user);
        var side = await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync("Side", isMessageFolder: true)
            ?? throw new InvalidOperationException("CREATE returned no folder");

        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        var count = page.Locator("[data-testid=folder-list] a.folder[data-folder='Side'] .unread");
        await page.WaitForSelectorAsync("[data-testid=folder-list] a.folder[data-folder='Side']");
        Assert.Equal(0, await count.CountAsync());
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        var deadline = Stopwatch.StartNew();
        while (pool.AccountWatchingConnections(user) == 0)
        {
            Assert.True(deadline.Elapsed < Generous, "the NOTIFY connection never opened");
            await Task.Delay(50);
        }

        // Another program delivers two unread messages into Side (not the open folder).
        var watch = Stopwatch.StartNew();
        await side.AppendAsync(ListImap.Numbered(1), MessageFlags.None);
        await side.AppendAsync(ListImap.Numbered(2), MessageFlags.None);
        await page.Locator("[data-testid=folder-list] a.folder[data-folder='Side'] .unread", new PageLocatorOptions { HasText = "2" })
            .WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var delivered = watch.Elapsed;

        // It reads them: the count goes away.
        watch.Restart();
        await side.OpenAsync(FolderAccess.ReadWrite);
        await side.AddFlagsAsync(MailKit.UniqueIdRange.All, MessageFlags.Seen, silent: true);
        await count.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = (float)Generous.TotalMilliseconds });
        var read = watch.Elapsed;

        output.WriteLine($"folder count push latency (includes the other client's own time): delivery {delivered.TotalMilliseconds:F0} ms, read {read.TotalMilliseconds:F0} ms");
        Assert.Empty(session.Errors);
    }
}

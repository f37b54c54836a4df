using System.Text;
using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The reader's "Report spam" / "Not spam" buttons in Debian chromium: the message moves to Junk and back over IMAP,
/// and the IMAP server's Junk-move learning trains the user's Bayes data (spam, then re-learned as ham).
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class SpamButtonBrowserTests(ComposeHostFixture host)
{
    [Fact]
    public async Task ReportSpam_MovesToJunkAndTrains_NotSpam_MovesBackAndRelearns()
    {
        var user = $"spam{Guid.NewGuid():N}"[..14] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        var subject = "Cheap offer " + Guid.NewGuid().ToString("N");
        var raw = $"From: deals@promo.example\r\nTo: {user}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@promo.example>\r\n\r\nBuy now, limited offer.\r\n";
        var outcome = await host.Services.GetRequiredService<IMailStore>().DeliverAsync([user], new MemoryStream(Encoding.ASCII.GetBytes(raw)), DateTimeOffset.UtcNow, CancellationToken.None);
        var uid = outcome[0].Uid;

        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", user);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=compose-new]");

        await page.GotoAsync($"mail/read?folder=INBOX&uid={uid}");
        await page.WaitForSelectorAsync(".shell[data-interactive=true]");
        await page.ClickAsync("[data-testid=spam]");
        await ShellSession.WaitForUrlAsync(page, url => !url.Contains("/mail/read", StringComparison.Ordinal));
        var inJunk = await host.WaitForMessageAsync(user, "Junk", subject);
        Assert.Equal(subject, inJunk.Subject);
        await WaitForStatsAsync(user, s => s.SpamMessages == 1, "spam learned");

        using (var imap = await host.ImapAsync(user))
        {
            var junk = await imap.GetFolderAsync("Junk");
            await junk.OpenAsync(MailKit.FolderAccess.ReadOnly);
            var junkUid = (await junk.SearchAsync(MailKit.Search.SearchQuery.SubjectContains(subject))).Single().Id;
            await page.GotoAsync($"mail/read?folder=Junk&uid={junkUid}");
        }
        await page.WaitForSelectorAsync(".shell[data-interactive=true]");
        await page.ClickAsync("[data-testid=not-spam]");
        await ShellSession.WaitForUrlAsync(page, url => !url.Contains("/mail/read", StringComparison.Ordinal));
        await host.WaitForMessageAsync(user, "INBOX", subject);
        await WaitForStatsAsync(user, s => s.SpamMessages == 0 && s.HamMessages == 1, "re-learned as ham");
    }

    private async Task WaitForStatsAsync(string user, Func<BayesStatistics, bool> condition, string what)
    {
        var learner = host.Services.GetRequiredService<ISpamLearner>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition(await learner.GetStatisticsAsync(user, CancellationToken.None)))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out: " + what);
            }
            await Task.Delay(100);
        }
    }
}

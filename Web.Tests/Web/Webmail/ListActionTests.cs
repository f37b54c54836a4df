using MailKit;
using MailKit.Search;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Row buttons in chromium: star, read/unread, archive and delete reach the server.</summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ListActionTests(WebmailHostFixture host)
{
    [Fact]
    public async Task StarReadArchiveDelete_ChangeTheServerState()
    {
        var name = "Acts" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            await ListImap.CreateFilledAsync(imap, name, 4);
            await imap.DisconnectAsync(true);
        }
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;
        await page.GotoAsync(WebmailRoutes.List(name));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='4']");
        var rows = page.Locator(".row[data-uid]");
        var uids = (await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.uid)")).Select(uint.Parse).ToList();

        await page.ClickAsync($".row[data-uid='{uids[0]}'] [data-action=star]");
        await page.WaitForSelectorAsync($".row.flagged[data-uid='{uids[0]}']");
        await page.HoverAsync($".row[data-uid='{uids[1]}']");
        await page.ClickAsync($".row[data-uid='{uids[1]}'] [data-action=read]");
        await page.WaitForSelectorAsync($".row.seen[data-uid='{uids[1]}']");
        await session.ScreenshotAsync("list-actions-desktop");
        await page.HoverAsync($".row[data-uid='{uids[2]}']");
        await page.ClickAsync($".row[data-uid='{uids[2]}'] [data-action=archive]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='3']");
        await page.HoverAsync($".row[data-uid='{uids[3]}']");
        await page.ClickAsync($".row[data-uid='{uids[3]}'] [data-action=delete]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");

        using var check = await ListImap.ConnectAsync(host, MailHostFixture.Bob);
        var folder = await check.GetFolderAsync(name);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, folder.Count);
        Assert.Equal([new UniqueId(uids[0])], await folder.SearchAsync(SearchQuery.Flagged));
        Assert.Equal([new UniqueId(uids[1])], await folder.SearchAsync(SearchQuery.Seen));
        var archive = check.GetFolder(SpecialFolder.Archive);
        var trash = check.GetFolder(SpecialFolder.Trash);
        foreach (var (target, uid) in new[] { (archive, uids[2]), (trash, uids[3]) })
        {
            Assert.NotNull(target);
            await target.OpenAsync(FolderAccess.ReadOnly);
            var subject = $"Bulk {3 - uids.IndexOf(uid):D5}";
            Assert.NotEmpty(await target.SearchAsync(SearchQuery.SubjectContains(subject)));
        }

        // Read again: clicking the read button of a read message marks it unread.
        await page.HoverAsync($".row[data-uid='{uids[1]}']");
        await page.ClickAsync($".row[data-uid='{uids[1]}'] [data-action=read]");
        await page.WaitForSelectorAsync($".row.unread[data-uid='{uids[1]}']");
        Assert.Empty(session.Errors);
    }
}

using MailKit;
using MailKit.Search;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The message list in chromium against the real host: virtual scrolling over a whole folder (only the
/// visible window is in the DOM), sorting, quick filters, threads and server-side search in one folder
/// and in all folders. Each test works in folders of its own in bob's account.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ListTests(WebmailHostFixture host)
{
    private const int Bulk = 600;

    [Fact]
    public async Task VirtualList_ScrollsTheWholeFolder_KeepingOnlyTheVisibleWindowInThePage()
    {
        var name = "Bulk" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            await ListImap.CreateFilledAsync(imap, name, Bulk);
            await imap.DisconnectAsync(true);
        }
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;

        await page.GotoAsync(WebmailRoutes.List(name));
        await ShellSession.WaitInteractiveAsync(page);
        var list = page.Locator("[data-testid=message-list]");
        await page.WaitForSelectorAsync($"[data-testid=message-list][data-total='{Bulk}']");
        await page.WaitForSelectorAsync(".row[data-uid] .subject:text-is('Bulk 00599')");
        await session.ScreenshotAsync("list-desktop");

        var rendered = await page.Locator(".row[data-uid]").CountAsync();
        Assert.InRange(rendered, 5, 80);

        // Scroll to the middle, then to the end: rows appear as they come into view, the DOM stays small.
        await list.EvaluateAsync("l => l.scrollTop = l.scrollHeight / 2");
        for (var i = 0; !(await VisibleNumbersAsync(page)).Any(n => n is > 250 and < 350); i++)
        {
            Assert.True(i < 150, "the middle of the folder never rendered: " + string.Join(",", await VisibleNumbersAsync(page)));
            await page.WaitForTimeoutAsync(200);
        }
        await session.ScreenshotAsync("list-middle-desktop");
        var last = page.Locator(".row[data-uid] .subject:text-is('Bulk 00000')");
        for (var i = 0; await last.CountAsync() == 0; i++)
        {
            if (i == 149)
            {
                await session.ScreenshotAsync("list-end-failed");
            }
            Assert.True(i < 150, "the end of the folder never rendered: " + string.Join(",", await VisibleNumbersAsync(page))
                + " at " + await list.EvaluateAsync<string>("l => l.scrollTop + '/' + l.scrollHeight + '/' + l.clientHeight"));
            await list.EvaluateAsync("l => l.scrollTop = l.scrollHeight");
            await page.WaitForTimeoutAsync(200);
        }
        Assert.True(await list.EvaluateAsync<bool>("l => l.scrollHeight >= 600 * 52"), "the list is as tall as the whole folder");
        Assert.InRange(await page.Locator(".row[data-uid]").CountAsync(), 5, 80);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Sort_And_QuickFilters_AreServerSide()
    {
        var name = "Sort" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var folder = await ListImap.CreateFilledAsync(imap, name, 40);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            var uids = await folder.SearchAsync(SearchQuery.All);
            await folder.AddFlagsAsync([.. uids.Where((_, i) => i % 2 == 0)], MessageFlags.Seen, silent: true);
            await folder.AddFlagsAsync([uids[7]], MessageFlags.Flagged, silent: true);
            await imap.DisconnectAsync(true);
        }
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;
        await page.GotoAsync(WebmailRoutes.List(name));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='40']");

        // Sort by sender (A first): "Sender 9960" is message 39, the newest; clicking again reverses.
        await page.ClickAsync("a.chip[data-sort=from]");
        await ShellSession.WaitForUrlAsync(page, u => u.Contains("sort=from", StringComparison.Ordinal));
        await ExpectFirstSubjectAsync(page, "Bulk 00000");
        await page.ClickAsync("a.chip[data-sort=from]");
        await ExpectFirstSubjectAsync(page, "Bulk 00039");
        await page.ClickAsync("a.chip[data-sort=subject]");
        await ExpectFirstSubjectAsync(page, "Bulk 00039");
        await page.ClickAsync("a.chip[data-sort=subject]");
        await ExpectFirstSubjectAsync(page, "Bulk 00000");
        await page.ClickAsync("a.chip[data-sort=size]");
        await ShellSession.WaitForUrlAsync(page, u => u.Contains("sort=size", StringComparison.Ordinal));
        await page.ClickAsync("a.chip[data-sort=date]");
        await ExpectFirstSubjectAsync(page, "Bulk 00039");

        await page.ClickAsync("a.chip[data-filter=unread]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='20']");
        Assert.Equal(0, await page.Locator(".row.seen").CountAsync());
        await page.ClickAsync("a.chip[data-filter=flagged]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='1']");
        await ExpectFirstSubjectAsync(page, "Bulk 00007");
        await page.ClickAsync("a.chip[data-filter=attachments]");
        await page.WaitForSelectorAsync("[data-testid=message-list-empty]");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Search_InTheFolder_AndInAllFolders_FindsBodyText_AndQuotesTheText()
    {
        var word = "zebra" + Guid.NewGuid().ToString("N")[..8];
        var one = "SearchA" + Guid.NewGuid().ToString("N")[..6];
        var two = "SearchB" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            MimeMessage WithWord(int i)
            {
                var m = ListImap.Numbered(i);
                if (i == 3)
                {
                    m.Body = new TextPart("plain") { Text = $"The hidden word is {word} \"quoted\" here.\r\n" };
                }
                return m;
            }
            await ListImap.CreateFilledAsync(imap, one, 10, WithWord);
            await ListImap.CreateFilledAsync(imap, two, 5, WithWord);
            await imap.DisconnectAsync(true);
        }
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;
        await page.GotoAsync(WebmailRoutes.List(one));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='10']");

        await page.FillAsync("[data-testid=search-input]", word);
        await page.PressAsync("[data-testid=search-input]", "Enter");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='1']");
        await ExpectFirstSubjectAsync(page, "Bulk 00003");

        await page.CheckAsync("[data-testid=search-all]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");
        var folders = await page.Locator("[data-testid=row-folder]").AllInnerTextsAsync();
        Assert.Equal([one, two], folders.Order(StringComparer.Ordinal));
        await session.ScreenshotAsync("list-search-all");

        // IMAP syntax in the search text is searched for, not obeyed.
        await page.GotoAsync(WebmailRoutes.List(new WebmailListQuery(one, Text: "\") OR ALL (\"")));
        await page.WaitForSelectorAsync("[data-testid=message-list-empty]");
        await page.GotoAsync(WebmailRoutes.List(new WebmailListQuery(one, Text: "x\r\nA1 DELETE INBOX")));
        await page.WaitForSelectorAsync("[data-testid=message-list-empty]");
        using var check = await ListImap.ConnectAsync(host, MailHostFixture.Bob);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.NotNull(check.Inbox);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task ThreadView_GroupsRepliesUnderTheirRoot()
    {
        var name = "Thread" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var ids = new List<string>();
            MimeMessage Chain(int i)
            {
                var m = ListImap.Numbered(i);
                // 0 <- 2 <- 4 is one conversation; 1 and 3 stand alone.
                if (i is 2 or 4)
                {
                    m.InReplyTo = ids[i - 2];
                    m.References.Add(ids[i - 2]);
                    m.Subject = "Re: Bulk 00000";
                }
                ids.Add(m.MessageId!);
                return m;
            }
            await ListImap.CreateFilledAsync(imap, name, 5, Chain);
            await imap.DisconnectAsync(true);
        }
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;
        await page.GotoAsync(WebmailRoutes.List(new WebmailListQuery(name, Threads: true)));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='5']");
        await page.WaitForSelectorAsync(".row[data-uid]:nth-child(5)");

        var subjects = await page.Locator(".row[data-uid] .subject").AllInnerTextsAsync();
        var depths = await page.Locator(".row[data-uid] .from").EvaluateAllAsync<string[]>("els => els.map(e => e.className)");
        // The conversation (newest message 4) comes first: root, reply, reply to the reply.
        Assert.Equal(["Bulk 00000", "Re: Bulk 00000", "Re: Bulk 00000", "Bulk 00003", "Bulk 00001"], subjects.Select(s => s.Trim()));
        Assert.Contains("depth-1", depths[1], StringComparison.Ordinal);
        Assert.Contains("depth-2", depths[2], StringComparison.Ordinal);
        Assert.DoesNotContain("depth", depths[3], StringComparison.Ordinal);
        Assert.Empty(session.Errors);
    }

    private static async Task<List<int>> VisibleNumbersAsync(IPage page) =>
        [.. (await page.Locator(".row[data-uid] .subject").AllInnerTextsAsync())
            .Select(t => t.Trim())
            .Where(t => t.StartsWith("Bulk ", StringComparison.Ordinal))
            .Select(t => int.Parse(t[5..], System.Globalization.CultureInfo.InvariantCulture))];

    private static async Task ExpectFirstSubjectAsync(IPage page, string subject) =>
        await Assertions.Expect(page.Locator(".row[data-uid] .subject").First).ToHaveTextAsync(subject, new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
}

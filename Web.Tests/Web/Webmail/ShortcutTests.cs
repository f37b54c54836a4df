using MailKit;
using MailKit.Search;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Gmail-like keyboard shortcuts and their help overlay in chromium.</summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ShortcutTests(WebmailHostFixture host)
{
    private static async Task<List<uint>> UidsAsync(IPage page) =>
        [.. (await page.Locator(".row[data-uid]").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.uid)")).Select(uint.Parse)];

    [Fact]
    public async Task ListShortcuts_MoveSelectStarReadArchiveDelete_AndAreIgnoredWhileTyping()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "key");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Keys", 4);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.List("Keys"));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='4']");
        await page.WaitForSelectorAsync(".row[data-uid] input.select");
        var uids = await UidsAsync(page);

        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($".row.cursor[data-uid='{uids[0]}']");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("k");
        await page.WaitForSelectorAsync($".row.cursor[data-uid='{uids[1]}']");
        Assert.Equal(1, await page.Locator(".row.cursor").CountAsync());

        await page.Keyboard.PressAsync("x");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='1']");
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("[data-testid=selected-count]", new() { State = WaitForSelectorState.Detached });

        await page.Keyboard.PressAsync("s");
        await page.WaitForSelectorAsync($".row.flagged[data-uid='{uids[1]}']");
        await page.Keyboard.PressAsync("Shift+I");
        await page.WaitForSelectorAsync($".row.seen[data-uid='{uids[1]}']");
        await page.Keyboard.PressAsync("Shift+U");
        await page.WaitForSelectorAsync($".row.unread[data-uid='{uids[1]}']");
        await page.Keyboard.PressAsync("Shift+I");
        await page.WaitForSelectorAsync($".row.seen[data-uid='{uids[1]}']");

        await page.Keyboard.PressAsync("e");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='3']");
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync(".row.cursor");
        var deleted = uint.Parse((await page.GetAttributeAsync(".row.cursor", "data-uid"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.Keyboard.PressAsync("#");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");

        using (var check = await ListImap.ConnectAsync(host, user))
        {
            var archive = check.GetFolder(SpecialFolder.Archive) ?? throw new InvalidOperationException("no Archive");
            await archive.OpenAsync(FolderAccess.ReadOnly);
            var archived = Assert.Single(await archive.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope));
            Assert.True(archived.Flags!.Value.HasFlag(MessageFlags.Flagged));
            Assert.True(archived.Flags!.Value.HasFlag(MessageFlags.Seen));
            var trash = check.GetFolder(SpecialFolder.Trash) ?? throw new InvalidOperationException("no Trash");
            await trash.OpenAsync(FolderAccess.ReadOnly);
            Assert.Single(await trash.SearchAsync(SearchQuery.All));
            Assert.DoesNotContain(deleted, await UidsAsync(page));
        }

        // "/" focuses the search; keys typed there are text, not shortcuts.
        await page.Keyboard.PressAsync("/");
        await page.WaitForFunctionAsync("document.activeElement && document.activeElement.id === 'list-search'");
        await page.Keyboard.TypeAsync("jjs#e");
        Assert.Equal("jjs#e", await page.InputValueAsync("#list-search"));
        Assert.Equal(2, await page.Locator(".row[data-uid]").CountAsync());
        Assert.Equal(0, await page.Locator(".row.flagged").CountAsync());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task OpenBackGoInboxAndReply_Navigate()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "nav");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Nav", 2);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.List("Nav"));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync(".row[data-uid] input.select");
        var uids = await UidsAsync(page);

        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($".row.cursor[data-uid='{uids[1]}']");
        await page.Keyboard.PressAsync("o");
        await page.WaitForSelectorAsync("[data-testid=message-view]");
        Assert.Contains($"uid={uids[1]}", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("u");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");
        Assert.Contains("folder=Nav", page.Url, StringComparison.Ordinal);
        await page.WaitForSelectorAsync(".row[data-uid] input.select");

        await page.Keyboard.PressAsync("g");
        await page.Keyboard.PressAsync("i");
        await page.WaitForFunctionAsync("!location.search.includes('Nav') && !location.pathname.includes('read')");
        await page.WaitForSelectorAsync("section.list-pane h1");

        await page.GotoAsync(WebmailRoutes.List("Nav"));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync(".row[data-uid] input.select");
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync($".row.cursor[data-uid='{uids[0]}']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[data-testid=message-view]");
        Assert.Contains($"uid={uids[0]}", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("r");
        await page.WaitForURLAsync(url => url.Contains("compose", StringComparison.Ordinal) && url.Contains("mode=reply", StringComparison.Ordinal));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task ReaderShortcuts_StarOlderNewerArchiveDelete_ActOnTheOpenMessage()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "rkey");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Reading", 3);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.List("Reading"));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='3']");
        var uids = await UidsAsync(page);
        Assert.Equal(3, uids.Count);

        // The middle message: "s" stars it, "j" opens the next (older) one, "k" the previous (newer) one again.
        await page.GotoAsync(WebmailRoutes.Message("Reading", uids[1]));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=reader-next]");
        await page.Keyboard.PressAsync("s");
        await page.WaitForSelectorAsync("[data-testid=reader-star][aria-pressed=true]");
        await page.Keyboard.PressAsync("j");
        await page.WaitForURLAsync(url => url.Contains($"uid={uids[2]}&", StringComparison.Ordinal));
        await page.WaitForSelectorAsync($"[data-testid=reader-previous][data-uid='{uids[1]}']");
        Assert.Equal(0, await page.Locator("[data-testid=reader-next]").CountAsync());
        await page.Keyboard.PressAsync("k");
        await page.WaitForURLAsync(url => url.Contains($"uid={uids[1]}&", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("[data-testid=reader-star][aria-pressed=true]");
        await session.ScreenshotAsync("reader-actions");

        // "e" archives the open message and goes back to the list.
        await page.Keyboard.PressAsync("e");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");
        Assert.Contains("folder=Reading", page.Url, StringComparison.Ordinal);

        // "#" moves the open message to Trash.
        await page.GotoAsync(WebmailRoutes.Message("Reading", uids[2]));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=reader-previous]");
        await page.Keyboard.PressAsync("#");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='1']");

        using (var check = await ListImap.ConnectAsync(host, user))
        {
            var archive = check.GetFolder(SpecialFolder.Archive) ?? throw new InvalidOperationException("no Archive");
            await archive.OpenAsync(FolderAccess.ReadOnly);
            var archived = Assert.Single(await archive.FetchAsync(0, -1, MessageSummaryItems.Flags));
            Assert.True(archived.Flags!.Value.HasFlag(MessageFlags.Flagged));
            var trash = check.GetFolder(SpecialFolder.Trash) ?? throw new InvalidOperationException("no Trash");
            await trash.OpenAsync(FolderAccess.ReadOnly);
            Assert.Single(await trash.SearchAsync(SearchQuery.All));
            var reading = await check.GetFolderAsync("Reading");
            await reading.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal([uids[0]], (await reading.SearchAsync(SearchQuery.All)).Select(u => u.Id));
        }
        Assert.Empty(session.Errors);
    }

    [Theory]
    [InlineData("en-US", "Keyboard shortcuts", "Go to the inbox")]
    [InlineData("de-DE", "Tastenkürzel", "Zum Posteingang")]
    public async Task QuestionMark_OpensTheHelpDialog_TrapsFocus_EscapeCloses_ThenCComposes(string locale, string title, string goInbox)
    {
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob, locale: locale);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        var dialog = page.Locator("[data-testid=shortcut-help]");
        Assert.False(await dialog.IsVisibleAsync());

        await page.Keyboard.PressAsync("?");
        await dialog.WaitForAsync();
        Assert.Equal("dialog", await dialog.GetAttributeAsync("role"));
        Assert.Equal("true", await dialog.GetAttributeAsync("aria-modal"));
        Assert.Equal(title, (await page.Locator("#shortcut-help-title").TextContentAsync())?.Trim());
        Assert.Contains(goInbox, await dialog.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(18, await dialog.Locator("tr[data-shortcut]").CountAsync());
        await session.ScreenshotAsync("shortcut-help-" + locale);

        for (var i = 0; i < 5; i++)
        {
            await page.Keyboard.PressAsync(i % 2 == 0 ? "Tab" : "Shift+Tab");
            Assert.True(await page.EvaluateAsync<bool>("document.getElementById('shortcut-help').contains(document.activeElement)"));
        }
        // Shortcuts are off while the dialog is open.
        await page.Keyboard.PressAsync("c");
        Assert.DoesNotContain("compose", page.Url, StringComparison.Ordinal);

        await page.Keyboard.PressAsync("Escape");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.ClickAsync("[data-testid=shortcuts-button]");
        await dialog.WaitForAsync();
        await page.ClickAsync("[data-testid=shortcut-help-close]");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.Keyboard.PressAsync("c");
        await page.WaitForURLAsync(url => url.Contains("/mail/compose", StringComparison.Ordinal));
        Assert.Empty(session.Errors);
    }
}

using MailKit;
using MailKit.Search;
using Mail.Shared.Directory;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Multi-select in chromium: checkboxes, Shift/Ctrl-click, select all, bulk flags, archive, delete, move by menu and by drag-and-drop.</summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ListSelectionTests(WebmailHostFixture host)
{
    /// <summary>A fresh user per test, so no test sees another's messages or folders.</summary>
    internal static async Task<string> NewUserAsync(MailHostFixture host, string prefix)
    {
        var address = $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(address, MailHostFixture.Password, CancellationToken.None));
        return address;
    }

    private static async Task<List<uint>> OpenFilledAsync(ShellSession session, string folder, int count)
    {
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.List(folder));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync($"[data-testid=message-list][data-total='{count}']");
        await page.WaitForSelectorAsync(".row[data-uid] input.select");
        return [.. (await page.Locator(".row[data-uid]").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.uid)")).Select(uint.Parse)];
    }

    private static async Task<IList<UniqueId>> SearchAsync(MailHostFixture host, string user, string folderName, SearchQuery query)
    {
        using var imap = await ListImap.ConnectAsync(host, user);
        var folder = await imap.GetFolderAsync(folderName);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        return await folder.SearchAsync(query);
    }

    [Fact]
    public async Task ShiftAndCtrlClick_SelectRows_BulkReadUnreadStar_ReachTheServer()
    {
        var user = await NewUserAsync(host, "sel");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Work", 6);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        var uids = await OpenFilledAsync(session, "Work", 6);

        await page.ClickAsync($".row[data-uid='{uids[0]}'] input.select");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='1']");
        await page.ClickAsync($".row[data-uid='{uids[3]}'] input.select", new() { Modifiers = [KeyboardModifier.Shift] });
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='4']");
        await page.ClickAsync($".row[data-uid='{uids[5]}'] a.message .subject", new() { Modifiers = [KeyboardModifier.Control] });
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='5']");
        await page.ClickAsync($".row[data-uid='{uids[0]}'] a.message .subject", new() { Modifiers = [KeyboardModifier.Control] });
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='4']");
        Assert.Contains("/mail?folder=Work", page.Url, StringComparison.Ordinal);
        Assert.Equal(4, await page.Locator(".row.selected[aria-selected=true]").CountAsync());
        await session.ScreenshotAsync("list-selection-desktop");

        await page.ClickAsync("[data-bulk=read]");
        await page.WaitForSelectorAsync(".row.seen >> nth=3");
        Assert.Equal(uids.Skip(1).Take(3).Append(uids[5]).Order().Select(u => new UniqueId(u)), await SearchAsync(host, user, "Work", SearchQuery.Seen));

        await page.ClickAsync("[data-bulk=star]");
        await page.WaitForSelectorAsync(".row.flagged >> nth=3");
        Assert.Equal(4, (await SearchAsync(host, user, "Work", SearchQuery.Flagged)).Count);

        await page.ClickAsync("[data-bulk=unread]");
        await page.WaitForSelectorAsync(".row.seen", new() { State = WaitForSelectorState.Detached });
        Assert.Empty(await SearchAsync(host, user, "Work", SearchQuery.Seen));
        await page.ClickAsync("[data-bulk=clear]");
        await page.WaitForSelectorAsync("[data-testid=selected-count]", new() { State = WaitForSelectorState.Detached });
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task SelectAll_Archive_CreatesTheMissingArchiveFolder_AndMovesEveryMessage()
    {
        var user = await NewUserAsync(host, "arc");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            if (imap.GetFolder(SpecialFolder.Archive) is { } archive)
            {
                await archive.DeleteAsync();
            }
            // More than a page (WebmailHostFixture.PageSize): select all covers rows never rendered.
            await ListImap.CreateFilledAsync(imap, "Old", 45);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await OpenFilledAsync(session, "Old", 45);

        await page.ClickAsync("[data-testid=select-all]");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='45']");
        await page.ClickAsync("[data-bulk=archive]");
        await page.WaitForSelectorAsync("[data-testid=message-list-empty]");

        using var check = await ListImap.ConnectAsync(host, user);
        var folders = await check.GetFoldersAsync(check.PersonalNamespaces[0], StatusItems.Count);
        var created = Assert.Single(folders, f => f.Attributes.HasFlag(FolderAttributes.Archive));
        Assert.Equal("Archive", created.FullName);
        Assert.Equal(45, created.Count);
        Assert.Equal(0, Assert.Single(folders, f => f.FullName == "Old").Count);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task BulkDelete_GoesToTrash_AndMoveByMenu_GoesToThePickedFolder()
    {
        var user = await NewUserAsync(host, "mov");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Src", 5);
            await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Projects", isMessageFolder: true);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        var uids = await OpenFilledAsync(session, "Src", 5);

        await page.ClickAsync($".row[data-uid='{uids[0]}'] input.select");
        await page.ClickAsync($".row[data-uid='{uids[1]}'] input.select");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='2']");
        await page.WaitForSelectorAsync("[data-testid=bulk-move] option[value='Projects']", new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("[data-testid=bulk-move]", "Projects");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='3']");

        await page.ClickAsync($".row[data-uid='{uids[2]}'] input.select");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='1']");
        await page.ClickAsync("[data-bulk=delete]");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");

        Assert.Equal(2, (await SearchAsync(host, user, "Projects", SearchQuery.All)).Count);
        Assert.Equal(2, (await SearchAsync(host, user, "Src", SearchQuery.All)).Count);
        using var check = await ListImap.ConnectAsync(host, user);
        var trash = check.GetFolder(SpecialFolder.Trash) ?? throw new InvalidOperationException("no Trash folder");
        await trash.OpenAsync(FolderAccess.ReadOnly);
        Assert.Single(await trash.SearchAsync(SearchQuery.SubjectContains("Bulk 00002")));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DragSelectedRowsOntoAFolder_MovesTheSelection_AndAnUnselectedRowAlone()
    {
        var user = await NewUserAsync(host, "drg");
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            await ListImap.CreateFilledAsync(imap, "Drag", 5);
            await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Target", isMessageFolder: true);
        }
        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        var uids = await OpenFilledAsync(session, "Drag", 5);
        await page.WaitForSelectorAsync("[data-testid=folder-list] a.folder[data-folder='Target']");

        await page.ClickAsync($".row[data-uid='{uids[0]}'] input.select");
        await page.ClickAsync($".row[data-uid='{uids[1]}'] input.select");
        await page.WaitForSelectorAsync("[data-testid=selected-count][data-count='2']");
        await page.DragAndDropAsync($".row[data-uid='{uids[1]}'] .from", "[data-testid=folder-list] a.folder[data-folder='Target']");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='3']");

        await page.DragAndDropAsync($".row[data-uid='{uids[4]}'] .from", "[data-testid=folder-list] a.folder[data-folder='Target']");
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");

        var moved = await SearchAsync(host, user, "Target", SearchQuery.All);
        Assert.Equal(3, moved.Count);
        Assert.Equal(2, (await SearchAsync(host, user, "Drag", SearchQuery.All)).Count);
        Assert.Empty(session.Errors);
    }
}

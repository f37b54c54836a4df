using MailKit;
using MailKit.Search;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// j/k in the reader, in chromium: they follow the list the message was opened from, as shown (sort, quick filter,
/// search), across the list's pages, keep the messages read on the way, and stop at the end of the list.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ReaderStepBrowserTests(WebmailHostFixture host)
{
    private const int Messages = 70;

    [Fact]
    public async Task JK_InTheReader_FollowTheSortedFilteredSearchedList_AcrossPages_AndStopAtItsEnd()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "step");
        var word = "damson" + Guid.NewGuid().ToString("N")[..6];
        const string name = "Steps";
        uint[] expected;
        string[] subjects;
        using (var imap = await ListImap.ConnectAsync(host, user))
        {
            // Subjects shuffled against arrival; 2 in 3 mention the word; every fourth is read already.
            var folder = await ListImap.CreateFilledAsync(imap, name, Messages, i =>
            {
                var m = ListImap.Numbered(i);
                m.Subject = $"Topic {i * 29 % Messages:D3}";
                m.Body = new TextPart("plain") { Text = i % 3 == 0 ? $"Nothing for message {i}.\r\n" : $"Message {i} mentions {word}.\r\n" };
                return m;
            });
            await folder.OpenAsync(FolderAccess.ReadWrite);
            var all = await folder.SearchAsync(SearchQuery.All);
            await folder.AddFlagsAsync([.. all.Where((_, i) => i % 4 == 0)], MessageFlags.Seen, silent: true);
            // What the list must show: unread, with the word, by subject Z-A (the server's own SORT).
            expected = [.. (await folder.SortAsync(SearchQuery.NotSeen.And(SearchQuery.BodyContains(word)), [OrderBy.ReverseSubject])).Select(u => u.Id)];
            var envelopes = await folder.FetchAsync([.. expected.Select(u => new UniqueId(u))], MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
            subjects = [.. expected.Select(u => envelopes.Single(e => e.UniqueId.Id == u).Envelope?.Subject ?? "")];
        }
        Assert.True(expected.Length > WebmailHostFixture.PageSize + 3, "the list must span pages");
        Assert.NotEqual(expected.Order(), expected);

        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.List(name));
        await ShellSession.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync($"[data-testid=message-list][data-total='{Messages}']");

        // Sort by subject (newest-first toggles to Z-A first), quick filter "unread", then search, all through the page.
        await page.ClickAsync("a.chip[data-sort=subject]");
        await page.WaitForURLAsync(url => url.Contains("sort=subject", StringComparison.Ordinal));
        await page.ClickAsync("a.chip[data-filter=unread]");
        await page.WaitForURLAsync(url => url.Contains("filter=unread", StringComparison.Ordinal));
        await page.WaitForSelectorAsync(".row[data-uid] input.select");
        await page.FillAsync("#list-search", word);
        await page.PressAsync("#list-search", "Enter");
        await page.WaitForSelectorAsync($"[data-testid=message-list][data-total='{expected.Length}']");
        await page.WaitForSelectorAsync($".row[data-uid='{expected[0]}'] input.select");
        var shown = (await page.Locator(".row[data-uid]").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.uid)")).Select(uint.Parse).ToArray();
        Assert.Equal(expected.Take(shown.Length), shown);

        // Open the row three above the first page's end, then j across the page boundary and k back.
        var start = WebmailHostFixture.PageSize - 3;
        await page.Locator($".row[data-uid='{expected[start]}']").ScrollIntoViewIfNeededAsync();
        await page.ClickAsync($".row[data-uid='{expected[start]}'] a.message");
        await ExpectOpenAsync(page, expected, subjects, start);
        for (var at = start + 1; at <= start + 5; at++)
        {
            await page.Keyboard.PressAsync("j");
            await ExpectOpenAsync(page, expected, subjects, at);
        }
        // The messages opened on the way are read now, yet k walks back through them.
        for (var at = start + 4; at >= start + 2; at--)
        {
            await page.Keyboard.PressAsync("k");
            await ExpectOpenAsync(page, expected, subjects, at);
        }

        // The last row: j shows the end of the list and opens nothing.
        var last = expected.Length - 1;
        var list = new WebmailListQuery(name, WebmailSort.Subject, Filter: WebmailQuickFilter.Unread, Text: word);
        await page.GotoAsync(WebmailRoutes.Message(name, expected[last], list, last));
        await ShellSession.WaitInteractiveAsync(page);
        await ExpectOpenAsync(page, expected, subjects, last);
        await page.Keyboard.PressAsync("j");
        await page.WaitForSelectorAsync("[data-testid=reader-list-end]", new() { State = WaitForSelectorState.Visible });
        Assert.Contains($"uid={expected[last]}&", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("k");
        await ExpectOpenAsync(page, expected, subjects, last - 1);
        await session.ScreenshotAsync("reader-step");

        // "u" goes back to the same list.
        await page.Keyboard.PressAsync("u");
        await page.WaitForURLAsync(url => url.Contains("/mail?", StringComparison.Ordinal) && url.Contains("filter=unread", StringComparison.Ordinal)
            && url.Contains("sort=subject", StringComparison.Ordinal) && url.Contains(word, StringComparison.Ordinal));
        Assert.Empty(session.Errors);
    }

    /// <summary>Row <paramref name="at"/> is open, with its neighbors of the list linked (none past the ends).</summary>
    private static async Task ExpectOpenAsync(IPage page, uint[] expected, string[] subjects, int at)
    {
        await page.WaitForURLAsync(url => url.Contains($"uid={expected[at]}&", StringComparison.Ordinal));
        await page.WaitForSelectorAsync($"[data-testid=message-subject]:text-is('{subjects[at]}')");
        await page.WaitForSelectorAsync("[data-testid=reader-step][data-ready=true]");
        if (at + 1 < expected.Length)
        {
            await page.WaitForSelectorAsync($"[data-testid=reader-next][data-uid='{expected[at + 1]}']");
        }
        else
        {
            Assert.Equal(0, await page.Locator("[data-testid=reader-next]").CountAsync());
        }
        if (at > 0)
        {
            await page.WaitForSelectorAsync($"[data-testid=reader-previous][data-uid='{expected[at - 1]}']");
        }
    }
}

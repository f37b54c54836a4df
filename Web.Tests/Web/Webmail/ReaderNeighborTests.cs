using MailKit;
using MailKit.Search;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The reader's next/previous (<see cref="WebmailMailSession.GetNeighborsAsync"/>) against the real IMAP server: for every
/// sort, quick filter, search and thread view, the neighbors of a row are the rows around it in the whole list (read
/// without PARTIAL), at page boundaries, at both ends, and when the position hint is off (the list moved).
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ReaderNeighborTests(WebmailHostFixture host)
{
    private const int Messages = 130;
    private const int PageSize = 20;

    /// <summary>Subjects shuffled against arrival; every third message seen, 1 in 10 with <paramref name="word"/>.</summary>
    private async Task<string> CreateFolderAsync(string prefix, string word)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..6];
        using var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob);
        MimeMessage Make(int i)
        {
            var m = ListImap.Numbered(i);
            m.Subject = $"Topic {i * 37 % Messages:D3}";
            if (i % 10 == 4)
            {
                m.Body = new TextPart("plain") { Text = $"Message {i} mentions {word}.\r\n" };
            }
            return m;
        }
        var folder = await ListImap.CreateFilledAsync(imap, name, Messages, Make);
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var uids = await folder.SearchAsync(SearchQuery.All);
        await folder.AddFlagsAsync([.. uids.Where((_, i) => i % 3 == 0)], MessageFlags.Seen, silent: true);
        await imap.DisconnectAsync(true);
        return name;
    }

    private WebmailMailSession OpenSession(bool serverPaging)
    {
        var options = new WebmailOptions { PageSize = PageSize, ServerPaging = serverPaging };
        var connector = new WebmailImapConnector(Options.Create(options), host.Services.GetRequiredService<MailEndpoints>(), NullLogger<WebmailImapConnector>.Instance);
        return new WebmailMailSession(new WebmailCredentials(MailHostFixture.Bob, MailHostFixture.Password), connector, options, NullLogger.Instance);
    }

    /// <summary>The neighbors are the rows around <paramref name="at"/>; with <paramref name="positions"/> their positions too (UID-order lists only echo the hint).</summary>
    private static void AssertNeighbors(uint[] list, int at, WebmailNeighbors found, string what, bool positions = true)
    {
        Assert.True((at > 0 ? list[at - 1] : (uint?)null) == found.Previous?.Uid, $"{what}: previous of row {at}");
        Assert.True((at + 1 < list.Length ? list[at + 1] : (uint?)null) == found.Next?.Uid, $"{what}: next of row {at}");
        if (!positions)
        {
            return;
        }
        if (found.Next is { } next)
        {
            Assert.Equal(at + 1, next.Position);
        }
        if (found.Previous is { } previous)
        {
            Assert.Equal(at - 1, previous.Position);
        }
    }

    [Fact]
    public async Task Neighbors_AreTheRowsAroundIt_AtPageBoundariesAndEnds_ForEverySortFilterSearchAndThreads()
    {
        var word = "quince" + Guid.NewGuid().ToString("N")[..6];
        var name = await CreateFolderAsync("Steps", word);
        await using var paged = OpenSession(serverPaging: true);
        await using var whole = OpenSession(serverPaging: false);
        WebmailListQuery[] queries =
        [
            new(name),
            new(name, Ascending: true),
            new(name, WebmailSort.Subject, Ascending: true),
            new(name, WebmailSort.Subject),
            new(name, WebmailSort.From),
            new(name, WebmailSort.Size, Ascending: true),
            new(name, WebmailSort.Subject, Ascending: true, Filter: WebmailQuickFilter.Unread),
            new(name, WebmailSort.Subject, Text: word),
            new(name, Filter: WebmailQuickFilter.Unread, Text: word),
            new(name, Threads: true),
            new(name, Text: word, AllFolders: true),
        ];
        foreach (var query in queries)
        {
            var index = await whole.GetListIndexAsync(query, CancellationToken.None) ?? throw new InvalidOperationException("no folder");
            var list = index.Entries.Select(e => e.Uid).ToArray();
            Assert.True(list.Length > 2, $"{query} is too short");
            var rows = new[] { 0, 1, PageSize - 1, PageSize, PageSize + 1, 2 * PageSize, list.Length / 2, list.Length - 2, list.Length - 1 }
                .Where(r => r < list.Length).Distinct();
            foreach (var at in rows)
            {
                foreach (var session in new[] { paged, whole })
                {
                    AssertNeighbors(list, at, await session.GetNeighborsAsync(query, name, list[at], at, [], CancellationToken.None), $"{query}");
                }
                // A stale hint (new mail on top, rows removed above): still found around the expected row.
                foreach (var hint in new[] { at + 7, at - 40, at + 300, 0 })
                {
                    AssertNeighbors(list, at, await paged.GetNeighborsAsync(query, name, list[at], Math.Max(0, hint), [], CancellationToken.None), $"{query} hint {hint}", positions: false);
                }
            }
        }
    }

    [Fact]
    public async Task UnreadList_KeepsTheOpenMessageAndThoseOpenedBefore_ButNotMessagesOutsideTheSearch()
    {
        var word = "medlar" + Guid.NewGuid().ToString("N")[..6];
        var name = await CreateFolderAsync("Kept", word);
        await using var paged = OpenSession(serverPaging: true);
        var query = new WebmailListQuery(name, WebmailSort.Subject, Ascending: true, Filter: WebmailQuickFilter.Unread);
        var list = (await paged.GetListWindowAsync(query, 0, Messages, CancellationToken.None))!.Entries.Select(e => e.Uid).ToArray();

        // Reading rows 20 and 21 marks them read; the reader still steps 20 -> 21 -> 22 and back.
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var folder = await imap.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync([new UniqueId(list[20]), new UniqueId(list[21])], MessageFlags.Seen, silent: true);
            await imap.DisconnectAsync(true);
        }
        var at21 = await paged.GetNeighborsAsync(query, name, list[21], 21, [list[20]], CancellationToken.None);
        Assert.Equal(list[20], at21.Previous?.Uid);
        Assert.Equal(list[22], at21.Next?.Uid);
        // Without the kept row 20 the list no longer has it: the previous row is 19, now right above.
        var forgotten = await paged.GetNeighborsAsync(query, name, list[21], 21, [], CancellationToken.None);
        Assert.Equal(list[19], forgotten.Previous?.Uid);

        // A kept message still has to match the search text: a search never gains unrelated messages.
        var search = query with { Text = word };
        var matches = (await paged.GetListWindowAsync(search, 0, Messages, CancellationToken.None))!.Entries.Select(e => e.Uid).ToArray();
        Assert.DoesNotContain(list[20], matches);
        Assert.Equal(WebmailNeighbors.None, await paged.GetNeighborsAsync(search, name, list[20], 0, [], CancellationToken.None));
        var first = await paged.GetNeighborsAsync(search, name, matches[0], 0, [list[20]], CancellationToken.None);
        Assert.Null(first.Previous);
        Assert.Equal(matches[1], first.Next?.Uid);
    }
}

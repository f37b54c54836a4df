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
/// The message list's paging against the real IMAP server: with PARTIAL (RFC 9394) a list reads its length and one
/// window at a time, and every window equals the same rows of the whole list read without PARTIAL
/// (<see cref="WebmailOptions.ServerPaging"/> off: ESORT/ESEARCH RETURN (ALL)), for each sort, filter and search.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ListPagingTests(WebmailHostFixture host)
{
    private const int Messages = 130;
    private const int PageSize = 20;

    /// <summary>A folder of <see cref="Messages"/> messages: every third seen, every seventh flagged, 1 in 10 with "kiwi".</summary>
    private async Task<string> CreateFolderAsync(string prefix, string word)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..6];
        using var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob);
        MimeMessage Make(int i)
        {
            var m = ListImap.Numbered(i);
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
        await folder.AddFlagsAsync([.. uids.Where((_, i) => i % 7 == 0)], MessageFlags.Flagged, silent: true);
        await imap.DisconnectAsync(true);
        return name;
    }

    private WebmailMailSession OpenSession(bool serverPaging)
    {
        var options = new WebmailOptions { PageSize = PageSize, ServerPaging = serverPaging };
        var connector = new WebmailImapConnector(Options.Create(options), host.Services.GetRequiredService<MailEndpoints>(), NullLogger<WebmailImapConnector>.Instance);
        return new WebmailMailSession(new WebmailCredentials(MailHostFixture.Bob, MailHostFixture.Password), connector, options, NullLogger.Instance);
    }

    private static uint[] Uids(WebmailListIndex index) => [.. index.Entries.Select(e => e.Uid)];

    [Fact]
    public async Task PagedWindows_EqualTheWholeList_ForEverySortFilterAndSearch()
    {
        var word = "kiwi" + Guid.NewGuid().ToString("N")[..6];
        var name = await CreateFolderAsync("Paged", word);
        await using var paged = OpenSession(serverPaging: true);
        await using var whole = OpenSession(serverPaging: false);
        WebmailListQuery[] queries =
        [
            new(name),
            new(name, Ascending: true),
            new(name, WebmailSort.From),
            new(name, WebmailSort.Subject, Ascending: true),
            new(name, WebmailSort.Size),
            new(name, Filter: WebmailQuickFilter.Unread),
            new(name, WebmailSort.Subject, Filter: WebmailQuickFilter.Flagged),
            new(name, Text: word),
            new(name, Filter: WebmailQuickFilter.Attachments),
        ];
        foreach (var query in queries)
        {
            var all = await whole.GetListIndexAsync(query, CancellationToken.None) ?? throw new InvalidOperationException("no folder");
            Assert.False(all.Paged);
            Assert.Null(await whole.GetListWindowAsync(query, 0, 10, CancellationToken.None));
            var expected = Uids(all);

            var first = await paged.GetListIndexAsync(query, CancellationToken.None) ?? throw new InvalidOperationException("no folder");
            Assert.True(first.Paged, $"{query} was not paged");
            Assert.Equal(expected.Length, first.Total);
            Assert.Equal(expected.Take(PageSize), Uids(first));
            Assert.Equal(all.UidValidity, first.UidValidity);

            foreach (var (start, count) in new[] { (7, 30), (Messages - 15, 40), (Messages + 5, 10) })
            {
                var window = await paged.GetListWindowAsync(query, start, count, CancellationToken.None) ?? throw new InvalidOperationException("no window");
                Assert.Equal(start, window.Start);
                Assert.Equal(expected.Length, window.Total);
                Assert.Equal(expected.Skip(start).Take(count), Uids(window));
            }
            Assert.Equal(expected.Order(), await paged.GetListUidsAsync(name, query, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ThreadsAndAllFolderSearch_ReadTheWholeList_EvenWithPartial()
    {
        var word = "plum" + Guid.NewGuid().ToString("N")[..6];
        var name = await CreateFolderAsync("Whole", word);
        await using var paged = OpenSession(serverPaging: true);

        var threads = await paged.GetListIndexAsync(new WebmailListQuery(name, Threads: true), CancellationToken.None);
        Assert.NotNull(threads);
        Assert.False(threads.Paged);
        Assert.Equal(Messages, threads.Total);
        Assert.Null(await paged.GetListWindowAsync(new WebmailListQuery(name, Threads: true), 0, 10, CancellationToken.None));

        var everywhere = await paged.GetListIndexAsync(new WebmailListQuery(name, Text: word, AllFolders: true), CancellationToken.None);
        Assert.NotNull(everywhere);
        Assert.False(everywhere.Paged);
        Assert.Equal(Messages / 10, everywhere.Total);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListReadAgain_OnTheSameConnection_ShowsWhatAnotherClientChanged(bool serverPaging)
    {
        var name = await CreateFolderAsync("Again", "fig");
        await using var session = OpenSession(serverPaging);
        var before = await session.GetListIndexAsync(new WebmailListQuery(name), CancellationToken.None) ?? throw new InvalidOperationException("no folder");
        Assert.Equal(Messages, before.Total);

        // Another mail program adds one message and deletes the oldest one while the folder stays selected here.
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var folder = await imap.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            var added = await folder.AppendAsync(ListImap.Numbered(Messages), MessageFlags.None, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
            Assert.NotNull(added);
            var oldest = (await folder.SearchAsync(SearchQuery.All)).Min();
            await folder.AddFlagsAsync(oldest, MessageFlags.Deleted, silent: true);
            await folder.ExpungeAsync();
            await imap.DisconnectAsync(true);
        }

        var after = await session.GetListIndexAsync(new WebmailListQuery(name), CancellationToken.None) ?? throw new InvalidOperationException("no folder");
        Assert.Equal(Messages, after.Total);
        Assert.Equal(Uids(after)[1..PageSize], Uids(before)[..(PageSize - 1)]);
        Assert.True(after.Entries[0].Uid > before.Entries[0].Uid, "the new message is on top");
        Assert.Equal(1, session.Logins);
    }

    [Fact]
    public async Task RawUtf8Subject_Over4096Octets_IsListedAndTheFolderStaysReadable()
    {
        // 8-bit header text as sent by clients that skip RFC 2047: MimeKit keeps the parsed header's raw octets, so the
        // APPEND carries them unchanged and the server must return them in ENVELOPE.
        var subject = string.Concat(Enumerable.Repeat("Grüße aus Köln ", 400)) + "Ende";
        var raw = "From: sender@example.net\r\nTo: " + MailHostFixture.Bob + "\r\nSubject: " + subject
            + "\r\nMessage-ID: <utf8-" + Guid.NewGuid().ToString("N") + "@example.net>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHallo Welt.\r\n";
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(subject) > 4096);
        var name = "Utf8Subject" + Guid.NewGuid().ToString("N")[..6];
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var folder = await ListImap.CreateFilledAsync(imap, name, 2);
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
            await folder.AppendAsync(await MimeMessage.LoadAsync(stream));
            await imap.DisconnectAsync(true);
        }
        await using var session = OpenSession(serverPaging: true);

        var index = await session.GetListIndexAsync(new WebmailListQuery(name), CancellationToken.None) ?? throw new InvalidOperationException("no folder");
        var rows = await session.FetchSummariesAsync(name, Uids(index), CancellationToken.None);

        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Subject == subject);
    }

    [Fact]
    public async Task MissingFolder_HasNoListAndNoWindow()
    {
        await using var paged = OpenSession(serverPaging: true);
        var query = new WebmailListQuery("Missing" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Null(await paged.GetListIndexAsync(query, CancellationToken.None));
        Assert.Null(await paged.GetListWindowAsync(query, 0, 10, CancellationToken.None));
        Assert.Empty(await paged.GetListUidsAsync(query.Folder, query, CancellationToken.None));
    }
}

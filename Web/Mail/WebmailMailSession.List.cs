using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    /// <summary>
    /// The list <paramref name="query"/> describes, without any message data. When the server pages it (PARTIAL,
    /// RFC 9394: one folder, no thread view) only its length and first <see cref="WebmailOptions.PageSize"/> rows
    /// (a <see cref="WebmailListIndex.Paged"/> index; later windows come from <see cref="GetListWindowAsync"/>);
    /// otherwise the ordered UIDs of the whole list: UID SORT with ESORT (RFC 5267 §4.2, RETURN (ALL) answers
    /// with compact UID ranges), UID THREAD for the thread view, and for a search over all folders one UID
    /// SEARCH per selectable folder, newest first. The folder is opened read-only (EXAMINE) and its
    /// HIGHESTMODSEQ kept for <see cref="GetFlagChangesAsync"/>.
    /// </summary>
    /// <returns>The index, or null when the folder does not exist.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailListIndex?> GetListIndexAsync(WebmailListQuery query, CancellationToken cancellationToken) =>
        RunAsync((client, ct) => BuildIndexAsync(client, query, null, page: true, ct), cancellationToken);

    /// <summary>
    /// The index of <paramref name="query"/>'s list (see <see cref="GetListIndexAsync"/>); with <paramref name="keep"/>, those
    /// messages of that folder stay in it whatever their flags (<see cref="SearchOf"/>); paged only when <paramref name="page"/>.
    /// </summary>
    private async Task<WebmailListIndex?> BuildIndexAsync(ImapClient client, WebmailListQuery query, WebmailListKeep? keep, bool page, CancellationToken ct)
    {
        if (query.AllFolders)
        {
            return await SearchAllFoldersAsync(client, query, keep, ct);
        }
        var search = SearchOf(query, keep?.For(query.Folder));
        var folder = await OpenFolderAsync(client, query.Folder, FolderAccess.ReadOnly, ct);
        if (folder is null)
        {
            return null;
        }
        if (page && CanPage(client, query))
        {
            return await PageAsync(client, folder, query, 0, Math.Clamp(_options.PageSize, 1, 500), null, ct);
        }
        var entries = folder.Count == 0 ? []
            : query.Threads && client.ThreadingAlgorithms.Contains(ThreadingAlgorithm.References)
                ? Flatten(await folder.ThreadAsync(ThreadingAlgorithm.References, search, ct), query.Ascending)
                : [.. (await OrderedUidsAsync(client, folder, query, search, ct)).Select(u => new WebmailListEntry(0, u.Id, 0))];
        return new WebmailListIndex([folder.FullName], entries, folder.UidValidity, folder.HighestModSeq);
    }

    /// <summary>
    /// The SEARCH key of <paramref name="query"/>: its quick filter AND its text. The messages <paramref name="keep"/>
    /// (UIDs) pass the quick filter whatever their flags (<c>OR filter UID set</c>, RFC 9051 §6.4.4), never the text:
    /// the reader keeps the messages it opened (and so marked read) in an unread list.
    /// </summary>
    private static SearchQuery SearchOf(WebmailListQuery query, IReadOnlyList<uint>? keep = null)
    {
        SearchQuery search = SearchQuery.All;
        search = query.Filter switch
        {
            WebmailQuickFilter.Unread => SearchQuery.NotSeen,
            WebmailQuickFilter.Flagged => SearchQuery.Flagged,
            WebmailQuickFilter.Attachments => SearchQuery.HeaderContains("Content-Type", "multipart/mixed"),
            _ => search,
        };
        if (query.Filter != WebmailQuickFilter.None && keep is { Count: > 0 })
        {
            search = search.Or(SearchQuery.Uids(new UniqueIdSet(keep.Select(u => new UniqueId(u)), SortOrder.Ascending)));
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            // MailKit sends the text as a quoted string or literal: nothing in it can end the command.
            var text = SearchQuery.MessageContains(query.Text.Trim());
            search = query.Filter == WebmailQuickFilter.None ? text : search.And(text);
        }
        return search;
    }

    private static async Task<IList<UniqueId>> OrderedUidsAsync(ImapClient client, IMailFolder folder, WebmailListQuery query, SearchQuery search, CancellationToken ct)
    {
        var sorted = client.Capabilities.HasFlag(ImapCapabilities.Sort);
        if (sorted && (query.Sort != WebmailSort.Date || !query.Ascending))
        {
            var options = client.Capabilities.HasFlag(ImapCapabilities.ESort) ? SearchOptions.All : SearchOptions.None;
            var results = await folder.SortAsync(options, search, [OrderOf(query)], ct);
            return results.UniqueIds;
        }
        // Arrival order is UID order (RFC 9051 §2.3.1.1): SEARCH (ESEARCH when offered) is enough.
        var found = client.Capabilities.HasFlag(ImapCapabilities.ESearch)
            ? (await folder.SearchAsync(SearchOptions.All, search, ct)).UniqueIds
            : await folder.SearchAsync(search, ct);
        return query.Ascending ? [.. found.OrderBy(u => u.Id)] : [.. found.OrderByDescending(u => u.Id)];
    }

    /// <summary>The SORT key of <paramref name="query"/> (RFC 5256 §3); date ascending is UID order, not sorted.</summary>
    private static OrderBy OrderOf(WebmailListQuery query) => query.Sort switch
    {
        WebmailSort.From => query.Ascending ? OrderBy.From : new OrderBy(OrderByType.From, SortOrder.Descending),
        WebmailSort.Subject => query.Ascending ? OrderBy.Subject : OrderBy.ReverseSubject,
        WebmailSort.Size => query.Ascending ? OrderBy.Size : OrderBy.ReverseSize,
        _ => OrderBy.ReverseArrival,
    };

    /// <summary>Threads newest first (by their newest message), each thread depth-first in REFERENCES order.</summary>
    private static WebmailListEntry[] Flatten(IList<MessageThread> threads, bool ascending)
    {
        var ordered = threads.Select(t => (Thread: t, Newest: NewestUid(t)));
        ordered = ascending ? ordered.OrderBy(t => t.Newest) : ordered.OrderByDescending(t => t.Newest);
        var rows = new List<WebmailListEntry>();
        foreach (var (thread, _) in ordered)
        {
            Walk(thread, 0, rows);
        }
        return [.. rows];

        static void Walk(MessageThread node, int depth, List<WebmailListEntry> rows)
        {
            var next = depth;
            if (node.UniqueId is { } uid)
            {
                rows.Add(new WebmailListEntry(0, uid.Id, depth));
                next = depth + 1;
            }
            foreach (var child in node.Children)
            {
                Walk(child, next, rows);
            }
        }

        static uint NewestUid(MessageThread node) =>
            Math.Max(node.UniqueId?.Id ?? 0, node.Children.Count == 0 ? 0 : node.Children.Max(NewestUid));
    }

    private async Task<WebmailListIndex> SearchAllFoldersAsync(ImapClient client, WebmailListQuery query, WebmailListKeep? keep, CancellationToken ct)
    {
        var ns = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
        var folders = (await client.GetFoldersAsync(ns, StatusItems.None, subscribedOnly: false, ct))
            .Where(f => !f.Attributes.HasFlag(FolderAttributes.NoSelect) && !f.Attributes.HasFlag(FolderAttributes.NonExistent))
            .ToList();
        if (!folders.Any(f => f.FullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase)))
        {
            folders.Insert(0, client.Inbox);
        }
        var names = new List<string>();
        var hits = new List<(WebmailListEntry Entry, DateTimeOffset Arrived)>();
        foreach (var folder in folders)
        {
            try
            {
                await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            }
            catch (CommandException ex)
            {
                WebmailLog.ImapCommandFailed(_logger, ex.Message);
                continue;
            }
            var uids = folder.Count == 0 ? [] : await folder.SearchAsync(SearchOf(query, keep?.For(folder.FullName)), ct);
            if (uids.Count == 0)
            {
                continue;
            }
            names.Add(folder.FullName);
            var index = names.Count - 1;
            // One FETCH INTERNALDATE of the hits orders results of different folders by arrival.
            foreach (var s in await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate, ct))
            {
                hits.Add((new WebmailListEntry(index, s.UniqueId.Id, 0), s.InternalDate ?? DateTimeOffset.MinValue));
            }
        }
        var entries = query.Ascending ? hits.OrderBy(h => h.Arrived) : hits.OrderByDescending(h => h.Arrived);
        return new WebmailListIndex(names, [.. entries.Select(h => h.Entry)], 0, 0);
    }

    /// <summary>
    /// The list rows of <paramref name="uids"/> in <paramref name="folderName"/>: one UID FETCH of envelope,
    /// flags, size and body structure for just these messages (the visible window of a virtual list).
    /// </summary>
    /// <returns>Rows of the messages that still exist, in no particular order; empty when the folder is gone.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<IReadOnlyList<WebmailMessageSummary>> FetchSummariesAsync(string folderName, IReadOnlyList<uint> uids, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<WebmailMessageSummary>>(async (client, ct) =>
        {
            if (uids.Count == 0)
            {
                return [];
            }
            var folder = await EnsureOpenAsync(client, folderName, ct);
            if (folder is null)
            {
                return [];
            }
            var summaries = await folder.FetchAsync([.. uids.Select(u => new UniqueId(u))], ListItems, ct);
            return [.. summaries.Select(ToSummary)];
        }, cancellationToken);

    /// <summary>
    /// Flag changes in <paramref name="folderName"/> since <paramref name="modSeq"/> among <paramref name="uids"/>
    /// (the rows a client holds): UID FETCH (FLAGS) (CHANGEDSINCE modseq), RFC 7162 §3.1.4, so a refresh
    /// never refetches unchanged rows.
    /// </summary>
    /// <returns>The changed rows and the new HIGHESTMODSEQ; everything as changed when the server has no CONDSTORE.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailFlagChanges> GetFlagChangesAsync(string folderName, ulong modSeq, IReadOnlyList<uint> uids, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await EnsureOpenAsync(client, folderName, ct);
            if (folder is null || uids.Count == 0)
            {
                return new WebmailFlagChanges([], folder?.HighestModSeq ?? 0);
            }
            var ids = uids.Select(u => new UniqueId(u)).ToList();
            var condstore = client.Capabilities.HasFlag(ImapCapabilities.CondStore) && modSeq > 0;
            var changed = condstore
                ? await folder.FetchAsync(ids, modSeq, ListItems, ct)
                : await folder.FetchAsync(ids, ListItems, ct);
            return new WebmailFlagChanges([.. changed.Select(ToSummary)], folder.HighestModSeq);
        }, cancellationToken);

    /// <summary>The folder, opened read-only unless it is already open (any access) on this connection.</summary>
    private async Task<IMailFolder?> EnsureOpenAsync(ImapClient client, string folderName, CancellationToken ct)
    {
        if (folderName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) && client.Inbox.IsOpen)
        {
            return client.Inbox;
        }
        try
        {
            var folder = await client.GetFolderAsync(folderName, ct);
            if (folder.IsOpen)
            {
                return folder;
            }
        }
        catch (Exception ex) when (ex is FolderNotFoundException or CommandException)
        {
            return null;
        }
        return await OpenFolderAsync(client, folderName, FolderAccess.ReadOnly, ct);
    }
}

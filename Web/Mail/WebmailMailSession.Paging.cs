using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    /// <summary>
    /// Whether <paramref name="query"/>'s list can be paged on the server: the server has PARTIAL (RFC 9394), plus
    /// ESORT (RFC 5267) for an order other than oldest-first, and the list is one folder without thread view (THREAD
    /// has no partial form; a search over all folders is one SEARCH per folder).
    /// </summary>
    private static bool CanPage(ImapClient client, WebmailListQuery query)
    {
        if (query.AllFolders || query.Threads || !client.Capabilities.HasFlag(ImapCapabilities.Partial))
        {
            return false;
        }
        return IsUidOrder(client, query) || client.Capabilities.HasFlag(ImapCapabilities.Sort | ImapCapabilities.ESort);
    }

    /// <summary>The list is in UID order (oldest first), which a plain SEARCH gives (RFC 9051 §2.3.1.1).</summary>
    private static bool IsUidOrder(ImapClient client, WebmailListQuery query) =>
        query.Sort == WebmailSort.Date && (query.Ascending || !client.Capabilities.HasFlag(ImapCapabilities.Sort));

    /// <summary>
    /// Rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 (zero-based) of
    /// <paramref name="query"/>'s list and the list's length, without reading the rest of it: one
    /// <c>UID SORT RETURN (COUNT PARTIAL first:last)</c> (or <c>UID SEARCH</c> for UID order) on the folder, which is
    /// opened read-only unless it is already open on this connection (RFC 9394 §3.1, RFC 5267 §4.2).
    /// </summary>
    /// <returns>
    /// A paged index (<see cref="WebmailListIndex.Paged"/>) whose entries are the window (fewer near the end);
    /// null when the folder does not exist, or when the server cannot page this list (no PARTIAL, thread view,
    /// all folders): then the caller reads the whole index with <see cref="GetListIndexAsync"/>.
    /// </returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailListIndex?> GetListWindowAsync(WebmailListQuery query, int start, int count, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            if (!CanPage(client, query))
            {
                return null;
            }
            var folder = await EnsureOpenAsync(client, query.Folder, ct);
            return folder is null ? null : await PageAsync(client, folder, query, start, count, null, ct);
        }, cancellationToken);

    /// <summary>
    /// One window of a list from PARTIAL results: positions are 1-based and count from the first row shown; the UIDs
    /// <paramref name="keep"/> pass the quick filter (<see cref="SearchOf"/>).
    /// </summary>
    private static async Task<WebmailListIndex> PageAsync(
        ImapClient client, IMailFolder folder, WebmailListQuery query, int start, int count, IReadOnlyList<uint>? keep, CancellationToken ct)
    {
        start = Math.Max(0, start);
        count = Math.Clamp(count, 1, MaxWindowRows);
        var search = SearchOf(query, keep);
        uint[] uids;
        int total;
        if (folder.Count == 0)
        {
            (uids, total) = ([], 0);
        }
        else if (IsUidOrder(client, query))
        {
            // PARTIAL of a SEARCH counts in UID order; negative positions count from the newest (RFC 9394 §3.1).
            var range = query.Ascending ? new PartialRange(start + 1, start + count) : new PartialRange(-(start + 1), -(start + count));
            var found = await folder.SearchAsync(SearchOptions.Count, search, range, ct);
            var ids = found.UniqueIds.Select(u => u.Id);
            uids = query.Ascending ? [.. ids.Order()] : [.. ids.OrderDescending()];
            total = found.Count;
        }
        else
        {
            var found = await folder.SortAsync(SearchOptions.Count, search, [OrderOf(query)], new PartialRange(start + 1, start + count), ct);
            uids = [.. found.UniqueIds.Select(u => u.Id)];
            total = found.Count;
        }
        return new WebmailListIndex([folder.FullName], [.. uids.Select(u => new WebmailListEntry(0, u, 0))], folder.UidValidity, folder.HighestModSeq)
        {
            Start = start,
            TotalCount = uids.Length == 0 ? total : Math.Max(total, start + uids.Length),
        };
    }

    /// <summary>Most rows one window asks for.</summary>
    public const int MaxWindowRows = 1000;

    /// <summary>
    /// Every UID of <paramref name="query"/>'s list in <paramref name="folderName"/>, for an action on the whole list
    /// ("select all"): one UID SEARCH (ESEARCH RETURN (ALL), compact ranges, when offered), not kept afterwards.
    /// </summary>
    /// <returns>The UIDs ascending; empty when the folder is gone.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<IReadOnlyList<uint>> GetListUidsAsync(string folderName, WebmailListQuery query, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<uint>>(async (client, ct) =>
        {
            var folder = await EnsureOpenAsync(client, folderName, ct);
            if (folder is null || folder.Count == 0)
            {
                return [];
            }
            var search = SearchOf(query);
            var found = client.Capabilities.HasFlag(ImapCapabilities.ESearch)
                ? (await folder.SearchAsync(SearchOptions.All, search, ct)).UniqueIds
                : await folder.SearchAsync(search, ct);
            return [.. found.Select(u => u.Id).Order()];
        }, cancellationToken);
}

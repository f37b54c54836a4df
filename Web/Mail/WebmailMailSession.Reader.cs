using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

/// <summary>A message next to the open one in the list it was opened from.</summary>
/// <param name="Folder">The message's folder (another one than the open message's in a search over all folders).</param>
/// <param name="Uid">Its UID.</param>
/// <param name="Position">Its zero-based row in the list (a hint for the next lookup, <see cref="WebmailMailSession.GetNeighborsAsync"/>).</param>
public sealed record WebmailListNeighbor(string Folder, uint Uid, int Position);

/// <summary>The rows around an open message in its list: what <c>k</c> (previous, up the list) and <c>j</c> (next, down) open.</summary>
/// <param name="Previous">The row above, or null at the top of the list (or when the message is no longer in it).</param>
/// <param name="Next">The row below, or null at the end of the list (or when the message is no longer in it).</param>
public sealed record WebmailNeighbors(WebmailListNeighbor? Previous, WebmailListNeighbor? Next)
{
    /// <summary>No neighbors.</summary>
    public static readonly WebmailNeighbors None = new(null, null);
}

/// <summary>
/// Messages of <paramref name="Folder"/> that stay in a list whatever their flags: those the reader opened in this pass,
/// which opening marked read (an unread list would otherwise lose them under the reader's feet).
/// </summary>
/// <param name="Folder">Their folder.</param>
/// <param name="Uids">Their UIDs.</param>
public sealed record WebmailListKeep(string Folder, IReadOnlyList<uint> Uids)
{
    /// <summary>The kept UIDs when <paramref name="folderName"/> is their folder, else null.</summary>
    public IReadOnlyList<uint>? For(string folderName) =>
        folderName.Equals(Folder, StringComparison.Ordinal)
        || (folderName.Equals("INBOX", StringComparison.OrdinalIgnoreCase) && Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
            ? Uids
            : null;
}

public sealed partial class WebmailMailSession
{
    /// <summary>Rows read on each side of the expected position by the first window of a neighbor lookup.</summary>
    public const int NeighborRadius = 25;

    /// <summary>
    /// The rows above and below message <paramref name="uid"/> of <paramref name="folderName"/> in the list
    /// <paramref name="list"/> (its sort, quick filter, search and thread view), where it was at row
    /// <paramref name="position"/> (zero-based; a hint, the list may have moved). The list's criteria are the ones the
    /// list used, with the open message and <paramref name="kept"/> passing the quick filter (<see cref="WebmailListKeep"/>).
    /// Never reads the whole folder when the list is paged:
    /// <list type="bullet">
    /// <item>UID order (date): two UID SEARCH <c>RETURN (MAX)</c> / <c>RETURN (MIN)</c> below and above the UID
    /// (ESEARCH, RFC 4731 §3.1), exact whatever the position;</item>
    /// <item>another sort with PARTIAL (RFC 9394): one <c>UID SORT RETURN (COUNT PARTIAL)</c> of
    /// <see cref="NeighborRadius"/> rows around the position, then, if the message is not there, of
    /// <see cref="MaxWindowRows"/> rows (if it is not there either, no neighbors: never an unrelated message);</item>
    /// <item>thread view, a search over all folders, or a server without PARTIAL: the list's whole index, as the list
    /// itself reads it (<see cref="GetListIndexAsync"/>).</item>
    /// </list>
    /// </summary>
    /// <returns>The neighbors; none when the folder or the message is not in the list.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailNeighbors> GetNeighborsAsync(
        WebmailListQuery list, string folderName, uint uid, int position, IReadOnlyList<uint> kept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(kept);
        var keep = new WebmailListKeep(folderName, [uid, .. kept.Where(k => k != uid)]);
        return RunAsync(async (client, ct) =>
        {
            if (!list.AllFolders && !list.Threads && keep.For(list.Folder) is not null)
            {
                if (IsUidOrder(client, list))
                {
                    return await EdgeNeighborsAsync(client, list, folderName, uid, position, keep.Uids, ct);
                }
                if (CanPage(client, list))
                {
                    return await WindowNeighborsAsync(client, list, folderName, uid, position, keep.Uids, ct);
                }
            }
            var index = await BuildIndexAsync(client, list, keep, page: false, ct);
            if (index is null)
            {
                return WebmailNeighbors.None;
            }
            var at = Array.FindIndex(index.Entries, e => e.Uid == uid && keep.For(index.Folders[e.FolderIndex]) is not null);
            if (at < 0)
            {
                return WebmailNeighbors.None;
            }
            WebmailListNeighbor? Row(int i) =>
                i >= 0 && i < index.Entries.Length ? new(index.Folders[index.Entries[i].FolderIndex], index.Entries[i].Uid, i) : null;
            return new WebmailNeighbors(Row(at - 1), Row(at + 1));
        }, cancellationToken);
    }

    /// <summary>Neighbors in UID order: the highest matching UID below and the lowest above (newest first: below is next).</summary>
    private async Task<WebmailNeighbors> EdgeNeighborsAsync(
        ImapClient client, WebmailListQuery list, string folderName, uint uid, int position, IReadOnlyList<uint> keep, CancellationToken ct)
    {
        var folder = await EnsureOpenAsync(client, folderName, ct);
        if (folder is null || folder.Count == 0)
        {
            return WebmailNeighbors.None;
        }
        var search = SearchOf(list, keep);
        uint? below = uid > 1 ? await EdgeAsync(client, folder, new UniqueIdRange(UniqueId.MinValue, new UniqueId(uid - 1)), search, max: true, ct) : null;
        uint? above = uid < uint.MaxValue ? await EdgeAsync(client, folder, new UniqueIdRange(new UniqueId(uid + 1), UniqueId.MaxValue), search, max: false, ct) : null;
        // "n:*" always matches the last message (RFC 9051 §6.4.8), even below n.
        below = below < uid ? below : null;
        above = above > uid ? above : null;
        var (previous, next) = list.Ascending ? (below, above) : (above, below);
        return new WebmailNeighbors(
            previous is { } p ? new WebmailListNeighbor(folder.FullName, p, Math.Max(0, position - 1)) : null,
            next is { } n ? new WebmailListNeighbor(folder.FullName, n, position + 1) : null);
    }

    private static async Task<uint?> EdgeAsync(ImapClient client, IMailFolder folder, UniqueIdRange range, SearchQuery search, bool max, CancellationToken ct)
    {
        var query = SearchQuery.Uids(range).And(search);
        if (client.Capabilities.HasFlag(ImapCapabilities.ESearch))
        {
            var results = await folder.SearchAsync(max ? SearchOptions.Max : SearchOptions.Min, query, ct);
            return (max ? results.Max : results.Min)?.Id;
        }
        var uids = await folder.SearchAsync(query, ct);
        return uids.Count == 0 ? null : max ? uids.Max(u => u.Id) : uids.Min(u => u.Id);
    }

    /// <summary>Neighbors in a sorted list read window by window with PARTIAL around the expected position.</summary>
    private async Task<WebmailNeighbors> WindowNeighborsAsync(
        ImapClient client, WebmailListQuery list, string folderName, uint uid, int position, IReadOnlyList<uint> keep, CancellationToken ct)
    {
        var folder = await EnsureOpenAsync(client, folderName, ct);
        if (folder is null || folder.Count == 0)
        {
            return WebmailNeighbors.None;
        }
        position = Math.Max(0, position);
        int? total = null;
        foreach (var radius in (int[])[NeighborRadius, MaxWindowRows / 2])
        {
            // A list that shrank below the expected position is searched from its end.
            var center = total is { } t ? Math.Min(position, Math.Max(0, t - 1)) : position;
            var start = Math.Max(0, center - radius);
            var window = await PageAsync(client, folder, list, start, 2 * radius + 1, keep, ct);
            total = window.Total;
            var found = NeighborsIn(window, folder.FullName, uid);
            if (found is not null)
            {
                return found;
            }
            var i = Array.FindIndex(window.Entries, e => e.Uid == uid);
            if (i >= 0)
            {
                // Found at the window's edge: one more window of the row and its two neighbors.
                var at = start + i;
                return NeighborsIn(await PageAsync(client, folder, list, Math.Max(0, at - 1), 3, keep, ct), folder.FullName, uid)
                    ?? WebmailNeighbors.None;
            }
        }
        return WebmailNeighbors.None;
    }

    /// <summary>The neighbors of <paramref name="uid"/> when <paramref name="window"/> holds it and both of its neighbors (or the list ends there).</summary>
    private static WebmailNeighbors? NeighborsIn(WebmailListIndex window, string folder, uint uid)
    {
        var i = Array.FindIndex(window.Entries, e => e.Uid == uid);
        if (i < 0)
        {
            return null;
        }
        var at = window.Start + i;
        var hasPrevious = at > 0;
        var hasNext = at + 1 < window.Total;
        if ((hasPrevious && i == 0) || (hasNext && i + 1 >= window.Entries.Length))
        {
            return null;
        }
        return new WebmailNeighbors(
            hasPrevious ? new WebmailListNeighbor(folder, window.Entries[i - 1].Uid, at - 1) : null,
            hasNext ? new WebmailListNeighbor(folder, window.Entries[i + 1].Uid, at + 1) : null);
    }
}

using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

/// <summary>The messages next to an open one in its folder, in arrival (UID) order: what <c>j</c> and <c>k</c> open.</summary>
/// <param name="Older">UID of the next older message (the highest UID below the open one), or null at the oldest.</param>
/// <param name="Newer">UID of the next newer message (the lowest UID above the open one), or null at the newest.</param>
public sealed record WebmailNeighbors(uint? Older, uint? Newer);

public sealed partial class WebmailMailSession
{
    /// <summary>
    /// The neighbors of <paramref name="uid"/> in <paramref name="folderName"/> by UID (the order of the default,
    /// newest-first list): two UID SEARCH commands, <c>RETURN (MAX)</c> below and <c>RETURN (MIN)</c> above the UID
    /// when the server has ESEARCH (RFC 4731 §3.1), so the folder's UIDs are never listed.
    /// </summary>
    /// <returns>The neighbors; both null when the folder does not exist.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailNeighbors> GetNeighborsAsync(string folderName, uint uid, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await EnsureOpenAsync(client, folderName, ct);
            if (folder is null || folder.Count == 0)
            {
                return new WebmailNeighbors(null, null);
            }
            uint? older = null;
            if (uid > 1)
            {
                older = await EdgeAsync(client, folder, new UniqueIdRange(UniqueId.MinValue, new UniqueId(uid - 1)), max: true, ct);
            }
            uint? newer = uid < uint.MaxValue
                ? await EdgeAsync(client, folder, new UniqueIdRange(new UniqueId(uid + 1), UniqueId.MaxValue), max: false, ct)
                : null;
            // "n:*" always matches the last message (RFC 9051 §6.4.8), even below n.
            return new WebmailNeighbors(older < uid ? older : null, newer > uid ? newer : null);
        }, cancellationToken);

    private static async Task<uint?> EdgeAsync(ImapClient client, IMailFolder folder, UniqueIdRange range, bool max, CancellationToken ct)
    {
        var query = SearchQuery.Uids(range);
        if (client.Capabilities.HasFlag(ImapCapabilities.ESearch))
        {
            var results = await folder.SearchAsync(max ? SearchOptions.Max : SearchOptions.Min, query, ct);
            return (max ? results.Max : results.Min)?.Id;
        }
        var uids = await folder.SearchAsync(query, ct);
        return uids.Count == 0 ? null : max ? uids.Max(u => u.Id) : uids.Min(u => u.Id);
    }
}

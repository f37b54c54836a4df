using Mail.Protocols.Imap.Search;

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// A SEARCH or SORT RETURN (UPDATE) context (RFC 5267 §4): the search program, who asked (tag, UID or not) and the
/// UIDs of its current result. The session re-evaluates it after each mailbox change and reports the
/// difference as <c>ADDTO</c>/<c>REMOVEFROM</c> until CANCELUPDATE or the mailbox is closed.
/// </summary>
internal sealed class ImapSearchUpdate(string tag, bool byUid, ImapSearchKey program, IEnumerable<uint> uids)
{
    public string Tag { get; } = tag;

    public bool ByUid { get; } = byUid;

    public ImapSearchKey Program { get; } = program;

    /// <summary>UIDs currently in the result, as last reported to the client.</summary>
    public HashSet<uint> Uids { get; } = [.. uids];

    /// <summary>For SORT RETURN (UPDATE) (CONTEXT=SORT): the SORT command whose order the result keeps; null for SEARCH.</summary>
    public Commands.SortCommand? Sort { get; init; }

    /// <summary>For a sorted context: the result's UIDs in sort order, as last reported (positions count from 1).</summary>
    public List<uint> Order { get; set; } = [];
}

namespace Mail.Web.Webmail;

/// <summary>Sort key of a message list (IMAP SORT, RFC 5256 §3).</summary>
public enum WebmailSort
{
    /// <summary>Arrival (INTERNALDATE), the natural order of a folder.</summary>
    Date,

    /// <summary>SORT FROM: the first From address's mailbox.</summary>
    From,

    /// <summary>SORT SUBJECT: the base subject (RFC 5256 §2.1).</summary>
    Subject,

    /// <summary>SORT SIZE: RFC822.SIZE.</summary>
    Size,
}

/// <summary>Quick filter of a message list, a search key ANDed to the query.</summary>
public enum WebmailQuickFilter
{
    None,

    /// <summary>UNSEEN.</summary>
    Unread,

    /// <summary>FLAGGED.</summary>
    Flagged,

    /// <summary>A multipart/mixed message (HEADER Content-Type multipart/mixed): what carries attachments.</summary>
    Attachments,
}

/// <summary>What a message list shows.</summary>
/// <param name="Folder">The folder (ignored for the rows when <paramref name="AllFolders"/>, but still the current folder).</param>
/// <param name="Sort">Sort key.</param>
/// <param name="Ascending">Oldest/smallest/A first when true; newest first by default.</param>
/// <param name="Filter">Quick filter.</param>
/// <param name="Text">Server-side full-text search (SEARCH TEXT, RFC 9051 §6.4.4), null or empty for none.</param>
/// <param name="AllFolders">Search every selectable folder instead of <paramref name="Folder"/>.</param>
/// <param name="Threads">Group by conversation (THREAD=REFERENCES, RFC 5256 §3).</param>
public sealed record WebmailListQuery(
    string Folder,
    WebmailSort Sort = WebmailSort.Date,
    bool Ascending = false,
    WebmailQuickFilter Filter = WebmailQuickFilter.None,
    string? Text = null,
    bool AllFolders = false,
    bool Threads = false)
{
    /// <summary>Longest search text kept, in characters; longer text is cut.</summary>
    public const int MaxTextLength = 200;

    /// <summary>
    /// The list a URL's query parameters describe (<see cref="Mail.Web.Hosting.WebmailRoutes.List(WebmailListQuery)"/> writes them):
    /// unknown or missing values fall back to the defaults (INBOX, newest first, no filter), the text is trimmed and cut
    /// to <see cref="MaxTextLength"/>, and "all folders" only applies to a search.
    /// </summary>
    public static WebmailListQuery Parse(string? folder, string? sort, string? order, string? filter, string? text, string? scope, string? view)
    {
        var search = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (search is { Length: > MaxTextLength })
        {
            search = search[..MaxTextLength];
        }
        return new WebmailListQuery(
            string.IsNullOrEmpty(folder) ? "INBOX" : folder,
            Enum.TryParse<WebmailSort>(sort, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : WebmailSort.Date,
            string.Equals(order, "asc", StringComparison.OrdinalIgnoreCase),
            Enum.TryParse<WebmailQuickFilter>(filter, ignoreCase: true, out var f) && Enum.IsDefined(f) ? f : WebmailQuickFilter.None,
            search,
            search is not null && string.Equals(scope, "all", StringComparison.OrdinalIgnoreCase),
            string.Equals(view, "threads", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>One row position of a list: a message by folder (index into <see cref="WebmailListIndex.Folders"/>) and UID.</summary>
/// <param name="FolderIndex">Index into <see cref="WebmailListIndex.Folders"/>.</param>
/// <param name="Uid">IMAP UID in that folder.</param>
/// <param name="Depth">Thread depth, 0 outside thread view and for thread roots.</param>
public readonly record struct WebmailListEntry(int FolderIndex, uint Uid, int Depth);

/// <summary>
/// The ordered UIDs of a list (no message data), which a virtual list pages through, fetching only the rows it
/// shows: either the whole list (from ESEARCH/ESORT/THREAD), or, when <see cref="Paged"/>, one window of it
/// (from a PARTIAL SORT/SEARCH, RFC 9394) starting at <see cref="Start"/> with the list's length in
/// <see cref="TotalCount"/>.
/// </summary>
/// <param name="Folders">Folders the entries point into (one unless the search spans all folders).</param>
/// <param name="Entries">Rows in display order: the whole list, or the window at <see cref="Start"/> when paged.</param>
/// <param name="UidValidity">UIDVALIDITY of the current folder when the index was built.</param>
/// <param name="HighestModSeq">HIGHESTMODSEQ of the current folder (RFC 7162 §3.1.2), 0 without CONDSTORE.</param>
public sealed record WebmailListIndex(IReadOnlyList<string> Folders, WebmailListEntry[] Entries, uint UidValidity, ulong HighestModSeq)
{
    /// <summary>Zero-based list position of <see cref="Entries"/>[0]; 0 unless paged.</summary>
    public int Start { get; init; }

    /// <summary>The list's length when <see cref="Entries"/> is one window of it (PARTIAL); null when it is the whole list.</summary>
    public int? TotalCount { get; init; }

    /// <summary>Rows are read window by window from the server (<see cref="WebmailMailSession.GetListWindowAsync"/>).</summary>
    public bool Paged => TotalCount is not null;

    /// <summary>Rows in the whole list.</summary>
    public int Total => TotalCount ?? Entries.Length;
}

/// <summary>Flag changes seen in a folder since a mod-sequence (FETCH FLAGS CHANGEDSINCE, RFC 7162 §3.1.4).</summary>
/// <param name="Changed">Rows whose flags changed, with their new state.</param>
/// <param name="HighestModSeq">The folder's mod-sequence now.</param>
public sealed record WebmailFlagChanges(IReadOnlyList<WebmailMessageSummary> Changed, ulong HighestModSeq);

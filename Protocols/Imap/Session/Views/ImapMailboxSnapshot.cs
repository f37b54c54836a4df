using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// One immutable version of a mailbox's messages, shared by every session on this node that selected the mailbox:
/// the records ascending by UID and the HIGHESTMODSEQ they reflect. A new version is made by applying the changes since
/// (copy-on-write, <see cref="Apply"/>), never by changing this one; sessions index it by message sequence number
/// (position + 1) for as long as their own view agrees with it.
/// </summary>
public sealed class ImapMailboxSnapshot
{
    private IReadOnlyList<string>? _keywords;
    private int _firstUnseen = -2;

    /// <param name="records">Ascending by UID; the array is owned by the snapshot from now on.</param>
    /// <param name="highestModSeq">The mailbox's HIGHESTMODSEQ when the records were read (RFC 7162 §3.1).</param>
    /// <param name="sortCache">The sort orders of a version with the same messages, if any (flag changes keep them); else new
    /// orders (derived from a predecessor's when <see cref="ImapSortOrders.Previous"/> is set).</param>
    public ImapMailboxSnapshot(MessageRecord[] records, ulong highestModSeq, ImapSortOrders? sortCache = null)
    {
        Records = records;
        HighestModSeq = highestModSeq;
        SortCache = sortCache ?? new ImapSortOrders();
    }

    /// <summary>
    /// Whole-mailbox sort orders (SORT, RFC 5256 §3) of these messages: shared with the versions that hold the same
    /// messages, so a webmail's <c>SORT RETURN (PARTIAL 1:50) (FROM)</c> sorts a 100,000-message mailbox once, not per
    /// page; after new or expunged messages derived from the previous version's orders (<see cref="ImapSortOrders"/>).
    /// </summary>
    public ImapSortOrders SortCache { get; }

    /// <summary>The messages, ascending by UID. Never modified.</summary>
    public MessageRecord[] Records { get; }

    /// <summary>HIGHESTMODSEQ of the mailbox at this version; the next version asks the store for changes above it.</summary>
    public ulong HighestModSeq { get; }

    /// <summary>The keywords used by any message (SELECT's FLAGS), sorted case-insensitively; computed once per version.</summary>
    public IReadOnlyList<string> Keywords => _keywords ??= CollectKeywords(Records);

    /// <summary>Index of the first message without \Seen (IMAP4rev1 SELECT's UNSEEN), -1 when none; computed once per version.</summary>
    public int FirstUnseen
    {
        get
        {
            if (_firstUnseen == -2)
            {
                _firstUnseen = Array.FindIndex(Records, m => (m.Flags & MessageFlags.Seen) == 0);
            }
            return _firstUnseen;
        }
    }

    private static string[] CollectKeywords(MessageRecord[] records)
    {
        var keywords = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in records)
        {
            if (m.Keywords.Count > 0)
            {
                keywords.UnionWith(m.Keywords);
            }
        }
        return [.. keywords];
    }

    /// <summary>
    /// The next version: this one with <paramref name="changes"/> applied (changed and new records replace or join by UID,
    /// expunged UIDs leave). Costs one pass over the records and no store access.
    /// </summary>
    public ImapMailboxSnapshot Apply(MailboxChanges changes)
    {
        if (changes.Changed.Count == 0 && changes.Expunged.Count == 0)
        {
            return changes.HighestModSeq == HighestModSeq ? this : new ImapMailboxSnapshot(Records, changes.HighestModSeq, SortCache);
        }
        var old = Records;
        var changed = changes.Changed;
        var expunged = changes.Expunged;
        var result = new List<MessageRecord>(old.Length + changed.Count);
        int i = 0, j = 0, e = 0;
        while (i < old.Length || j < changed.Count)
        {
            MessageRecord next;
            if (j >= changed.Count || (i < old.Length && old[i].Uid < changed[j].Uid))
            {
                next = old[i++];
            }
            else if (i >= old.Length || old[i].Uid > changed[j].Uid)
            {
                next = changed[j++];
            }
            else
            {
                next = changed[j++];
                i++;
            }
            while (e < expunged.Count && expunged[e] < next.Uid)
            {
                e++;
            }
            if (e < expunged.Count && expunged[e] == next.Uid)
            {
                continue;
            }
            result.Add(next);
        }
        // Same UIDs (only flags changed): the sort orders still hold.
        var sameMessages = result.Count == old.Length && changes.Expunged.Count == 0 && changed.All(c => Array.BinarySearch(old, c, UidOrder.Instance) >= 0);
        return new ImapMailboxSnapshot([.. result], changes.HighestModSeq, sameMessages ? SortCache : new ImapSortOrders(SortCache, Records));
    }

    /// <summary>Orders records by UID (binary search in <see cref="Records"/>).</summary>
    private sealed class UidOrder : IComparer<MessageRecord>
    {
        public static readonly UidOrder Instance = new();

        public int Compare(MessageRecord? x, MessageRecord? y) => (x?.Uid ?? 0).CompareTo(y?.Uid ?? 0);
    }
}

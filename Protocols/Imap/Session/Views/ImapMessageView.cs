using System.Collections;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// A session's message sequence numbers (RFC 9051 §2.3.1.2): position + 1 in an array of records ascending by UID.
/// The array is normally the shared <see cref="ImapMailboxSnapshot.Records"/> (so a selected session costs no
/// per-message memory); it is private only while the session must differ, e.g. keeping messages whose EXPUNGE it may
/// not send yet. Records this session changed itself (STORE, FETCH's implicit \Seen) sit in a small overlay by UID
/// until the shared snapshot catches up; a per-user flag overlay can sit on top the same way.
/// </summary>
public sealed class ImapMessageView : IReadOnlyList<MessageRecord>
{
    private readonly MessageRecord[] _records;
    private Dictionary<uint, MessageRecord>? _local;

    /// <param name="records">Ascending by UID; never modified by the view.</param>
    /// <param name="shared">True when <paramref name="records"/> is a shared snapshot's array.</param>
    public ImapMessageView(MessageRecord[] records, bool shared)
    {
        _records = records;
        IsShared = shared;
    }

    /// <summary>The empty view.</summary>
    public static ImapMessageView Empty { get; } = new([], shared: false);

    /// <summary>The underlying records (without the overlay).</summary>
    internal MessageRecord[] Records => _records;

    /// <summary>The shared snapshot's whole-mailbox sort orders (<see cref="ImapMailboxSnapshot.SortCache"/>); null for a private view.</summary>
    public ImapSortOrders? SortCache { get; init; }

    /// <summary>True when the records are a shared snapshot's array, not a private copy.</summary>
    public bool IsShared { get; }

    /// <summary>Records changed by this session that are newer than the records array (by UID).</summary>
    internal IReadOnlyDictionary<uint, MessageRecord>? Local => _local;

    public int Count => _records.Length;

    /// <summary>The record at a position (sequence number - 1); setting one keeps the UID and records it in the overlay.</summary>
    public MessageRecord this[int index]
    {
        get
        {
            var record = _records[index];
            return _local is not null && _local.TryGetValue(record.Uid, out var local) ? local : record;
        }
        set
        {
            if (value.Uid != _records[index].Uid)
            {
                throw new ArgumentException("A view position keeps its UID.", nameof(value));
            }
            (_local ??= [])[value.Uid] = value;
        }
    }

    /// <summary>Highest UID, 0 when empty.</summary>
    public uint MaxUid => _records.Length == 0 ? 0 : _records[^1].Uid;

    /// <summary>Index of <paramref name="uid"/>, or -1.</summary>
    public int IndexOfUid(uint uid)
    {
        var i = LowerBound(uid);
        return i < _records.Length && _records[i].Uid == uid ? i : -1;
    }

    /// <summary>The first index whose UID is not below <paramref name="uid"/>.</summary>
    public int LowerBound(uint uid)
    {
        int lo = 0, hi = _records.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_records[mid].Uid < uid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>A private view without the given UIDs (after this session's MOVE), keeping the overlay.</summary>
    public ImapMessageView Without(IReadOnlySet<uint> uids)
    {
        var view = new ImapMessageView([.. _records.Where(m => !uids.Contains(m.Uid))], shared: false);
        if (_local is not null)
        {
            foreach (var (uid, record) in _local)
            {
                if (!uids.Contains(uid))
                {
                    (view._local ??= [])[uid] = record;
                }
            }
        }
        return view;
    }

    /// <summary>Carries an overlay record into a new view (used by the sync when the store is not caught up yet).</summary>
    internal void KeepLocal(MessageRecord record) => (_local ??= [])[record.Uid] = record;

    public IEnumerator<MessageRecord> GetEnumerator()
    {
        for (var i = 0; i < _records.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

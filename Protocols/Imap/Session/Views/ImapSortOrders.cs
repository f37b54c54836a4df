using System.Collections.Concurrent;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// Whole-mailbox SORT orders of one set of messages (RFC 5256 §3), keyed by the criteria (e.g. <c>REVERSE FROM</c>):
/// the positions in sort order. Every criterion reads values that never change for a UID (INTERNALDATE, size, header
/// keys), so the orders are shared by the snapshot versions that hold the same messages (flag changes keep them), and
/// a version with new or expunged messages keeps its predecessor's orders (<see cref="Previous"/>) to derive its own
/// from them instead of sorting the whole mailbox again.
/// </summary>
public sealed class ImapSortOrders
{
    private Predecessor? _previous;

    /// <param name="previous">The orders of the version this one was made from, with that version's records (ascending by UID).</param>
    public ImapSortOrders(ImapSortOrders? previous = null, MessageRecord[]? previousRecords = null)
    {
        if (previous is not null && previousRecords is not null)
        {
            // One step back only: the predecessor lets go of its own, so versions never form a chain.
            previous._previous = null;
            _previous = new Predecessor(previousRecords, previous.Orders);
        }
    }

    /// <summary>The orders computed so far, by criteria.</summary>
    public ConcurrentDictionary<string, int[]> Orders { get; } = new(StringComparer.Ordinal);

    /// <summary>The previous version's records and orders, or null (none, or already let go).</summary>
    public Predecessor? Previous => Volatile.Read(ref _previous);

    /// <summary>Lets go of the predecessor (once every order this version needs is derived, or it is not worth keeping).</summary>
    public void ForgetPrevious() => Volatile.Write(ref _previous, null);

    /// <summary>A previous version: its records ascending by UID and its orders, positions into those records.</summary>
    public sealed record Predecessor(MessageRecord[] Records, ConcurrentDictionary<string, int[]> Orders);
}

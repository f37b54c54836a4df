using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session.Views;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// The session's view of the selected mailbox (RFC 9051 §2.3.1.2): the UID snapshot that message
/// sequence numbers index (sequence number = position + 1), with the flags last reported to the
/// client. The records are the node's shared snapshot of the mailbox (<see cref="ImapSharedMailbox"/>)
/// whenever this session agrees with it; changes are folded in by <see cref="ImapSession.SyncAsync"/>.
/// </summary>
public sealed class ImapSelectedMailbox
{
    private readonly ImapMailboxViews _views;
    private int _dirty;
    private int _released;

    /// <param name="info">The mailbox as it was when selected.</param>
    /// <param name="readOnly">EXAMINE, or SELECT without any of the rights s, w, t, e (RFC 4314 §4).</param>
    /// <param name="target">Where the mailbox lives and the user's rights on it.</param>
    /// <param name="view">The node's shared view of the mailbox, held by this selection until <see cref="ReleaseView"/>.</param>
    /// <param name="views">The registry <paramref name="view"/> was acquired from.</param>
    public ImapSelectedMailbox(MailboxInfo info, bool readOnly, ImapMailboxTarget target, ImapSharedMailbox view, ImapMailboxViews views)
    {
        Store = target.Store;
        DisplayName = target.Name;
        Rights = target.Rights;
        IsShared = target.IsShared;
        Id = info.Id;
        Name = info.Name;
        UidValidity = info.UidValidity;
        SpecialUse = info.SpecialUse;
        ReadOnly = readOnly;
        View = view;
        _views = views;
    }

    public long Id { get; }

    /// <summary>The store the mailbox lives in (the owner's, for a shared mailbox).</summary>
    public IAccountStore Store { get; }

    /// <summary>The name the client selected it by (<c>Other Users/owner/...</c> for a shared mailbox).</summary>
    public string DisplayName { get; }

    /// <summary>The session user's rights on the mailbox (RFC 4314), re-read before each command for a shared mailbox.</summary>
    public MailboxRights Rights { get; internal set; }

    /// <summary>The mailbox belongs to another user.</summary>
    public bool IsShared { get; }

    /// <summary>True when every right in <paramref name="rights"/> is granted.</summary>
    public bool Has(MailboxRights rights) => (Rights & rights) == rights;

    /// <summary>Store name (UTF-8, <c>/</c>-separated).</summary>
    public string Name { get; }

    public uint UidValidity { get; }

    /// <summary>The mailbox's special use (RFC 6154) when it was selected.</summary>
    public SpecialUse SpecialUse { get; }

    /// <summary>Opened with EXAMINE (no flag changes, no expunge, no implicit \Seen).</summary>
    public bool ReadOnly { get; }

    /// <summary>The node's shared view of this mailbox.</summary>
    public ImapSharedMailbox View { get; }

    /// <summary>The session's snapshot, ascending by UID (normally the shared snapshot's array).</summary>
    public ImapMessageView Messages { get; internal set; } = ImapMessageView.Empty;

    /// <summary>Lets go of the shared view (once); the last session to let go evicts it.</summary>
    internal void ReleaseView()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _views.Release(View);
        }
    }

    /// <summary>The UIDs saved by SEARCH RETURN (SAVE), what <c>$</c> stands for (RFC 5182); empty after SELECT.</summary>
    public HashSet<uint> SavedUids { get; internal set; } = [];

    /// <summary>SEARCH RETURN (UPDATE) contexts on this mailbox (RFC 5267 §4), dropped with the selection.</summary>
    internal List<ImapSearchUpdate> SearchUpdates { get; } = [];

    /// <summary>UIDs that are \Recent in this session (RFC 3501 §2.3.2).</summary>
    public ImapRecentSet Recent { get; } = new();

    /// <summary>Highest UID in the snapshot, 0 when empty.</summary>
    public uint MaxUid => Messages.MaxUid;

    /// <summary>Marks the view as out of date (a change event arrived).</summary>
    public void MarkDirty() => Volatile.Write(ref _dirty, 1);

    /// <summary>True when a change arrived since the last sync; clears the mark.</summary>
    public bool TakeDirty() => Interlocked.Exchange(ref _dirty, 0) == 1;

    /// <summary>Whether a change is pending.</summary>
    public bool IsDirty => Volatile.Read(ref _dirty) == 1;

    /// <summary>Index of <paramref name="uid"/> in the snapshot, or -1.</summary>
    public int IndexOfUid(uint uid) => Messages.IndexOfUid(uid);

    private int LowerBound(uint uid) => Messages.LowerBound(uid);

    /// <summary>
    /// Resolves a sequence set to ascending snapshot indexes. With <paramref name="byUid"/>, UIDs not
    /// present are ignored (RFC 9051 §6.4.9); otherwise a sequence number beyond the snapshot is an
    /// error (returns false).
    /// </summary>
    public bool TryResolve(ImapSequenceSet set, bool byUid, out List<int> indexes)
    {
        // A list, sorted and made unique at the end only when several ranges may overlap: "1:*" over 100,000
        // messages is one pass.
        var result = new List<int>();
        indexes = result;
        var count = Messages.Count;
        if (set.IsSaved)
        {
            // RFC 5182 §2.1: "$" names the saved messages that still exist, for UID and sequence commands alike.
            for (var i = 0; i < count; i++)
            {
                if (SavedUids.Contains(Messages[i].Uid))
                {
                    result.Add(i);
                }
            }
            return true;
        }
        foreach (var r in set.Ranges)
        {
            if (byUid)
            {
                if (count == 0)
                {
                    continue;
                }
                var star = MaxUid;
                var a = r.First == ImapSequenceRange.Star ? star : r.First;
                var b = r.Last == ImapSequenceRange.Star ? star : r.Last;
                if (a > b)
                {
                    (a, b) = (b, a);
                }
                for (var i = LowerBound(a); i < count && Messages[i].Uid <= b; i++)
                {
                    result.Add(i);
                }
            }
            else
            {
                if (r.First != ImapSequenceRange.Star && r.First > count || r.Last != ImapSequenceRange.Star && r.Last > count)
                {
                    return false;
                }
                if (count == 0)
                {
                    continue;
                }
                var a = r.First == ImapSequenceRange.Star ? (uint)count : r.First;
                var b = r.Last == ImapSequenceRange.Star ? (uint)count : r.Last;
                if (a > b)
                {
                    (a, b) = (b, a);
                }
                for (var s = a; s <= b; s++)
                {
                    result.Add((int)s - 1);
                }
            }
        }
        if (set.Ranges.Count > 1)
        {
            result.Sort();
            var unique = 0;
            for (var i = 0; i < result.Count; i++)
            {
                if (unique == 0 || result[i] != result[unique - 1])
                {
                    result[unique++] = result[i];
                }
            }
            result.RemoveRange(unique, result.Count - unique);
        }
        return true;
    }
}

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// Hands out \Recent (RFC 3501 §2.3.2) so that each new message is recent in exactly one session:
/// per mailbox it remembers the highest UID some read-write session has already claimed. A SELECT
/// claims every UID above it; a selected session claims new arrivals when it first sees them.
/// EXAMINE and STATUS only count the unclaimed UIDs. Kept in memory: after a restart the messages
/// present count as recent once more (as after a crash in other servers).
/// </summary>
public sealed class ImapRecentTracker
{
    private readonly Dictionary<(string User, long Mailbox, uint UidValidity), uint> _claimed = [];
    private readonly Lock _lock = new();

    /// <summary>Claims the UIDs in <paramref name="uids"/> (ascending) above the claimed mark; returns those claimed now.</summary>
    public List<uint> Claim(string user, long mailboxId, uint uidValidity, IEnumerable<uint> uids)
    {
        var key = (user, mailboxId, uidValidity);
        var claimed = new List<uint>();
        lock (_lock)
        {
            var mark = _claimed.GetValueOrDefault(key);
            foreach (var uid in uids)
            {
                if (uid > mark)
                {
                    claimed.Add(uid);
                }
            }
            if (claimed.Count > 0)
            {
                _claimed[key] = claimed[^1];
            }
        }
        return claimed;
    }

    /// <summary>How many of <paramref name="uids"/> nobody has claimed yet (EXAMINE, STATUS RECENT).</summary>
    public int CountUnclaimed(string user, long mailboxId, uint uidValidity, IEnumerable<uint> uids)
    {
        uint mark;
        lock (_lock)
        {
            mark = _claimed.GetValueOrDefault((user, mailboxId, uidValidity));
        }
        return uids.Count(u => u > mark);
    }

    /// <summary>
    /// Claims every UID above the claimed mark up to <paramref name="maxUid"/> (the highest UID of the claiming
    /// session's view, whose UIDs are all present up to it); returns the interval claimed now, empty when none.
    /// </summary>
    public (uint After, uint UpTo) ClaimUpTo(string user, long mailboxId, uint uidValidity, uint maxUid)
    {
        var key = (user, mailboxId, uidValidity);
        lock (_lock)
        {
            var mark = _claimed.GetValueOrDefault(key);
            if (maxUid <= mark)
            {
                return (mark, mark);
            }
            _claimed[key] = maxUid;
            return (mark, maxUid);
        }
    }

    /// <summary>The highest UID claimed so far (UIDs above it are unclaimed: EXAMINE, STATUS RECENT).</summary>
    public uint ClaimedMark(string user, long mailboxId, uint uidValidity)
    {
        lock (_lock)
        {
            return _claimed.GetValueOrDefault((user, mailboxId, uidValidity));
        }
    }
}

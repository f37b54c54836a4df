namespace Mail.Protocols.Imap.Session.Views;

/// <summary>
/// The UIDs that are \Recent in one session (RFC 3501 §2.3.2), as the UID intervals it claimed from
/// <see cref="ImapRecentTracker"/>: a SELECT of a 100,000-message mailbox that claims all of them holds one interval,
/// not 100,000 numbers. Expunged UIDs need no removal: counts are taken against the session's view.
/// </summary>
public sealed class ImapRecentSet
{
    private readonly List<(uint After, uint UpTo)> _intervals = [];

    /// <summary>Adds the UIDs above <paramref name="after"/> up to <paramref name="upTo"/> (nothing when empty).</summary>
    public void Add(uint after, uint upTo)
    {
        if (upTo > after)
        {
            _intervals.Add((after, upTo));
        }
    }

    /// <summary>True when <paramref name="uid"/> is recent in this session.</summary>
    public bool Contains(uint uid)
    {
        foreach (var (after, upTo) in _intervals)
        {
            if (uid > after && uid <= upTo)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>How many messages of <paramref name="view"/> are recent in this session (the RECENT response).</summary>
    public int CountIn(ImapMessageView view)
    {
        var count = 0;
        foreach (var (after, upTo) in _intervals)
        {
            count += view.LowerBound(upTo == uint.MaxValue ? upTo : upTo + 1) - view.LowerBound(after + 1);
            if (upTo == uint.MaxValue && view.Count > 0 && view.MaxUid == uint.MaxValue)
            {
                count++;
            }
        }
        return count;
    }
}

namespace Mail.Protocols.Filtering.Lists;

/// <summary>The <c>Mail:Filters:Lists</c> section: sender allow and block lists (<see cref="ISenderListStore"/>).</summary>
public sealed class SenderListOptions
{
    /// <summary>Consult the lists at delivery. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// What a block entry does: <see cref="SenderBlockAction.Junk"/> (default: delivered to the
    /// recipient's Junk mailbox) or <see cref="SenderBlockAction.Reject"/> (<c>550 5.7.1</c> at the end of
    /// DATA when every recipient blocks the sender; recipients that do not still get the message, and
    /// those that do get it in Junk, since SMTP has one reply per message).
    /// </summary>
    public SenderBlockAction BlockAction { get; set; } = SenderBlockAction.Junk;

    /// <summary>Entries one owner (user or domain) may have. Default 1000; more is <see cref="SenderListChange.LimitReached"/>.</summary>
    public int MaxEntriesPerOwner { get; set; } = 1000;
}

/// <summary>What a block entry does.</summary>
public enum SenderBlockAction
{
    /// <summary>Deliver to Junk.</summary>
    Junk,

    /// <summary>Refuse with <c>550 5.7.1</c>.</summary>
    Reject,
}

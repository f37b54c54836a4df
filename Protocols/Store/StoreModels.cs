namespace Mail.Protocols.Store;

/// <summary>System flags (RFC 9051 §2.3.2) as bits; keywords are separate strings.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}

/// <summary>SPECIAL-USE attribute of a mailbox (RFC 6154).</summary>
public enum SpecialUse
{
    None,
    Drafts,
    Sent,
    Trash,
    Junk,
    Archive,
    All,
    Flagged,
}

/// <summary>How <see cref="IAccountStore.UpdateFlagsAsync"/> combines flags (STORE FLAGS / +FLAGS / -FLAGS).</summary>
public enum FlagOperation
{
    Replace,
    Add,
    Remove,
}

/// <summary>Outcome of a store operation.</summary>
public enum StoreStatus
{
    Ok,
    NoSuchMailbox,
    AlreadyExists,
    InvalidName,
    NotAllowed,
    HasChildren,
    OverQuota,
    /// <summary>The message exceeds the store's maximum message size.</summary>
    TooBig,
}

/// <summary>A mailbox and its current state.</summary>
/// <param name="Id">Stable internal id (never reused within the account).</param>
/// <param name="Name">Full name, <c>/</c>-separated; INBOX is always <c>INBOX</c>.</param>
/// <param name="SpecialUse">SPECIAL-USE attribute.</param>
/// <param name="UidValidity">UIDVALIDITY (RFC 9051 §2.3.1.1), non-zero.</param>
/// <param name="UidNext">Next UID to be assigned.</param>
/// <param name="HighestModSeq">HIGHESTMODSEQ (RFC 7162), at least 1.</param>
/// <param name="Messages">Number of messages (EXISTS).</param>
/// <param name="Unseen">Messages without \Seen.</param>
/// <param name="SizeOctets">Total size of the messages in octets (STATUS SIZE).</param>
/// <param name="Subscribed">Whether the name is subscribed.</param>
public sealed record MailboxInfo(long Id, string Name, SpecialUse SpecialUse, uint UidValidity, uint UidNext, ulong HighestModSeq, int Messages, int Unseen, long SizeOctets, bool Subscribed);

/// <summary>Index data of one message.</summary>
/// <param name="Uid">UID in its mailbox.</param>
/// <param name="Flags">System flags.</param>
/// <param name="Keywords">Keywords (user flags), as stored (case preserved).</param>
/// <param name="ModSeq">MODSEQ of the last change (RFC 7162).</param>
/// <param name="InternalDate">INTERNALDATE.</param>
/// <param name="SizeOctets">RFC822.SIZE: exact size of the stored octets.</param>
/// <param name="EmailId">Stable OBJECTID EMAILID (RFC 8474), kept across COPY/MOVE.</param>
public sealed record MessageRecord(uint Uid, MessageFlags Flags, IReadOnlyList<string> Keywords, ulong ModSeq, DateTimeOffset InternalDate, long SizeOctets, string EmailId)
{
    /// <summary>
    /// SAVEDATE (RFC 8514 §3): when the message was saved into this mailbox (delivery, APPEND, COPY or MOVE),
    /// in UTC; null when unknown.
    /// </summary>
    public DateTimeOffset? SaveDate { get; init; }
}

/// <summary>Result of <see cref="IAccountStore.GetChangesSinceAsync"/>.</summary>
/// <param name="HighestModSeq">The mailbox's HIGHESTMODSEQ when read.</param>
/// <param name="Count">How many messages the mailbox holds.</param>
/// <param name="Changed">Messages with a greater MODSEQ than asked, ascending by UID.</param>
/// <param name="Expunged">UIDs expunged since, ascending.</param>
public sealed record MailboxChanges(ulong HighestModSeq, int Count, IReadOnlyList<MessageRecord> Changed, IReadOnlyList<uint> Expunged);

/// <summary>Result of <see cref="IAccountStore.AppendAsync"/>.</summary>
public sealed record AppendResult(StoreStatus Status, uint UidValidity, uint Uid);

/// <summary>Result of <see cref="IAccountStore.UpdateFlagsAsync"/>.</summary>
/// <param name="Changed">Records (after the change) of messages that changed.</param>
/// <param name="Failed">UIDs refused because of UNCHANGEDSINCE.</param>
public sealed record FlagUpdateResult(IReadOnlyList<MessageRecord> Changed, IReadOnlyList<uint> Failed);

/// <summary>Result of <see cref="IAccountStore.CopyAsync"/>: COPYUID data (RFC 4315 §3).</summary>
public sealed record CopyResult(StoreStatus Status, uint DestinationUidValidity, IReadOnlyList<uint> SourceUids, IReadOnlyList<uint> DestinationUids);

/// <summary>What <see cref="IAccountStore.SearchTextAsync"/> looks in.</summary>
public enum TextSearchScope
{
    /// <summary>The text parts (SEARCH BODY).</summary>
    Body,

    /// <summary>Header fields and text parts (SEARCH TEXT).</summary>
    Text,
}

/// <summary>A METADATA entry (RFC 5464 §3): lower-case name under <c>/private/</c> or <c>/shared/</c>; a null value removes it in a write.</summary>
public sealed record MetadataEntry(string Name, byte[]? Value);

/// <summary>Outcome of <see cref="IAccountStore.SetMetadataAsync"/>.</summary>
public enum MetadataStatus
{
    Ok,
    NoSuchMailbox,
    /// <summary>A value exceeds <see cref="StoreLimits.MaxMetadataValueOctets"/> (IMAP <c>[METADATA MAXSIZE n]</c>).</summary>
    TooLarge,
    /// <summary>The entries would exceed <see cref="StoreLimits.MaxMetadataEntries"/> (IMAP <c>[METADATA TOOMANY]</c>).</summary>
    TooMany,
}

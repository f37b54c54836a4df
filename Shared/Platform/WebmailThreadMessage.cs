namespace Mail.Shared.Platform;

/// <summary>
/// One message of a user's conversation index (table <c>WebmailThreadMessages</c>): where it is (folder,
/// UIDVALIDITY, UID), its Message-ID and the conversation it belongs to, plus what the conversation list
/// shows without asking IMAP (sender, subject, date, \Seen). Built from Inbox, Sent and Archive.
/// </summary>
public sealed class WebmailThreadMessage
{
    /// <summary>Longest Message-ID or thread key stored, in characters; longer ids are cut (RFC 5322 allows 998-octet lines).</summary>
    public const int MaxMessageIdLength = 250;

    /// <summary>Longest folder name stored (the webmail refuses longer folder names).</summary>
    public const int MaxFolderLength = 200;

    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>Owner's address (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>IMAP folder full name.</summary>
    public required string Folder { get; set; }

    /// <summary>IMAP UID in <see cref="Folder"/> (RFC 9051 §2.3.1.1).</summary>
    public long Uid { get; set; }

    /// <summary>The Message-ID without angle brackets; a synthetic <c>folder/uidvalidity/uid</c> key when the message has none.</summary>
    public required string MessageId { get; set; }

    /// <summary>The conversation: the Message-ID of the thread's root as first seen (References[0], else In-Reply-To, else its own id).</summary>
    public required string ThreadId { get; set; }

    /// <summary>Sender display name or address.</summary>
    public string From { get; set; } = "";

    /// <summary>Subject as decoded.</summary>
    public string Subject { get; set; } = "";

    /// <summary>Date header (else INTERNALDATE), UTC.</summary>
    public DateTime DateUtc { get; set; }

    /// <summary>The message has \Seen.</summary>
    public bool Seen { get; set; }
}

/// <summary>
/// How far the conversation index has read one folder of one user (table <c>WebmailThreadFolders</c>):
/// the next refresh fetches only UIDs from <see cref="UidNext"/> and flags changed since
/// <see cref="HighestModSeq"/> (CONDSTORE, RFC 7162); a new UIDVALIDITY rebuilds the folder's rows.
/// </summary>
public sealed class WebmailThreadFolder
{
    /// <summary>Owner's address (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>IMAP folder full name.</summary>
    public required string Folder { get; set; }

    /// <summary>UIDVALIDITY the rows were read under.</summary>
    public long UidValidity { get; set; }

    /// <summary>UIDNEXT when last read: every lower UID has been indexed.</summary>
    public long UidNext { get; set; }

    /// <summary>HIGHESTMODSEQ when last read (0 without CONDSTORE).</summary>
    public long HighestModSeq { get; set; }

    /// <summary>Messages in the folder when last read; a lower count now means expunges to drop.</summary>
    public int Count { get; set; }
}

namespace Mail.Shared.Platform;

/// <summary>Why a message waits in the webmail outbox.</summary>
public enum WebmailOutboxKind
{
    /// <summary>Held for the undo-send window (seconds), then submitted.</summary>
    UndoWindow = 0,

    /// <summary>Held until a time the user chose (scheduled send).</summary>
    Scheduled = 1,
}

/// <summary>Where an outbox row stands.</summary>
public enum WebmailOutboxState
{
    /// <summary>Waiting for <see cref="WebmailOutboxEntry.DueUtc"/>; the user may still cancel it.</summary>
    Pending = 0,

    /// <summary>Refused for good by the Submission server (5xx); kept so the user sees why, until dismissed.</summary>
    Failed = 1,
}

/// <summary>
/// A message the webmail holds server-side before it submits it (table <c>WebmailOutbox</c>): the undo-send
/// window and scheduled send. Any web node may submit a due row; it claims the row first with a lease
/// (<see cref="LeaseOwner"/>, <see cref="LeaseUntilUtc"/>) so two nodes never send one message twice while
/// both run. A row is deleted once the message is submitted and its copy is in Sent.
/// </summary>
public sealed class WebmailOutboxEntry
{
    /// <summary>Random id (32 lower-case hex characters); primary key and the id the browser sees.</summary>
    public required string Id { get; set; }

    /// <summary>Signed-in address of the user who sent it (lower-case).</summary>
    public required string UserAddress { get; set; }

    /// <summary>Undo window or scheduled.</summary>
    public WebmailOutboxKind Kind { get; set; }

    /// <summary>Pending or failed.</summary>
    public WebmailOutboxState State { get; set; }

    /// <summary>When the row was written (UTC).</summary>
    public DateTime CreatedUtc { get; set; }

    /// <summary>When the message is due for submission (UTC).</summary>
    public DateTime DueUtc { get; set; }

    /// <summary>Node that claimed the row for submission, or null.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>End of the claim (UTC); another node may claim the row after it.</summary>
    public DateTime? LeaseUntilUtc { get; set; }

    /// <summary>Submission attempts so far (transient failures are retried with backoff).</summary>
    public int Attempts { get; set; }

    /// <summary>The last failure's reply or error text (no secrets), for the user.</summary>
    public string? LastError { get; set; }

    /// <summary>Subject, for the outbox list.</summary>
    public string Subject { get; set; } = "";

    /// <summary>Recipients of the envelope (RCPT TO), one address per line (To, Cc and Bcc).</summary>
    public required string Recipients { get; set; }

    /// <summary>The user's IMAP/Submission password, protected with Data Protection (never in clear at rest).</summary>
    public required string ProtectedPassword { get; set; }

    /// <summary>UID of the draft in the Drafts mailbox that holds the same message, deleted once sent; 0 when none.</summary>
    public long DraftUid { get; set; }

    /// <summary>Drafts mailbox name the draft is in; empty when none.</summary>
    public string DraftFolder { get; set; } = "";

    /// <summary>Mailbox of the message this one replies to (for <c>\Answered</c>), empty when none.</summary>
    public string ReplyFolder { get; set; } = "";

    /// <summary>UID of the message this one replies to; 0 when none.</summary>
    public long ReplyUid { get; set; }

    /// <summary>The complete RFC 5322 message (with its Bcc header, which the SMTP client does not transmit; the Sent copy keeps it), in octets.</summary>
    public required byte[] Message { get; set; }
}

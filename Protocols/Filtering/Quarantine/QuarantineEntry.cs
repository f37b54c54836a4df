namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>Why a message is in the quarantine.</summary>
public enum QuarantineReason
{
    /// <summary>A virus scanner flagged it (clamd, a milter, rspamd's antivirus).</summary>
    Virus,

    /// <summary>Its spam score reached the domain's <see cref="QuarantineDomainOptions.SpamScore"/>.</summary>
    Spam,
}

/// <summary>Where a quarantined message is in its life.</summary>
public enum QuarantineState
{
    /// <summary>Kept, not delivered.</summary>
    Held,

    /// <summary>A user or admin asked for its release; the SMTP-in node delivers it at its next pass.</summary>
    ReleaseRequested,

    /// <summary>Being delivered (claimed by one node; never delivered twice).</summary>
    Releasing,

    /// <summary>Delivered to the recipient's INBOX; kept as a record until it expires.</summary>
    Released,
}

/// <summary>The result of a user's or admin's action on an entry.</summary>
public enum QuarantineChange
{
    /// <summary>Release asked for; delivery follows within <see cref="QuarantineOptions.ReleasePollMilliseconds"/>.</summary>
    ReleaseRequested,

    /// <summary>The entry and (when no other recipient's entry shares it) its message file are gone.</summary>
    Deleted,

    /// <summary>No such entry for this account (another user's entries are not found either).</summary>
    NotFound,

    /// <summary>Release was already asked for or done: nothing changed (a message is released once).</summary>
    AlreadyReleased,

    /// <summary>Being released right now: it cannot be deleted.</summary>
    Busy,
}

/// <summary>One recipient account's quarantined copy of a message.</summary>
/// <param name="Id">Entry id (16 lowercase hex digits), unique in the node's quarantine.</param>
/// <param name="Account">Recipient account (lowercase address); only this user sees and releases the entry.</param>
/// <param name="QueueId">SMTP-in queue id of the message (also in its <c>X-Mail-Scan</c> field and verdict record).</param>
/// <param name="Reason">Virus or spam.</param>
/// <param name="Detail">Virus name, or the spam score as text.</param>
/// <param name="Score">Spam score of the message, null when nothing scored it.</param>
/// <param name="Sender">Envelope sender, empty for the null sender.</param>
/// <param name="From">The From field (decoded, for display), empty when missing.</param>
/// <param name="Subject">The Subject field (decoded), empty when missing.</param>
/// <param name="ReceivedAt">When SMTP-in received it.</param>
/// <param name="ExpiresAt">When it is deleted unless released (<see cref="QuarantineOptions.RetentionDays"/>).</param>
/// <param name="Size">Octets of the kept message (what a release delivers).</param>
/// <param name="State">Held, release requested, releasing or released.</param>
public sealed record QuarantineEntry(
    string Id,
    string Account,
    string QueueId,
    QuarantineReason Reason,
    string Detail,
    double? Score,
    string Sender,
    string From,
    string Subject,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ExpiresAt,
    long Size,
    QuarantineState State)
{
    /// <summary>When it was released to the INBOX, null before.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    /// <summary>UID of the released message in the account's INBOX, 0 before.</summary>
    public uint ReleasedUid { get; init; }

    /// <summary>Why the last release attempt failed (over quota, store error), null when none failed.</summary>
    public string? LastError { get; init; }
}

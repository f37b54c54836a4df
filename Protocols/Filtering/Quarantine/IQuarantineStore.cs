namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>
/// The quarantine: messages kept instead of delivered or refused (<see cref="QuarantinePolicy"/>), one entry per
/// recipient account, listed and released by that user (webmail) and by the admin (<c>admin quarantine</c>).
/// Every read and change takes the account it acts for; null means the admin (every account).
/// </summary>
public interface IQuarantineStore
{
    /// <summary>
    /// Keeps <paramref name="message"/> for the accounts of <paramref name="hold"/>: the octets are written once, fsynced and
    /// renamed into place, then the entries committed. Returns only when all of it is durable (SMTP-in then answers 250).
    /// </summary>
    /// <exception cref="IOException">The file or the index could not be written; nothing is kept.</exception>
    Task<IReadOnlyList<QuarantineEntry>> HoldAsync(QuarantineHold hold, Stream message, CancellationToken cancellationToken);

    /// <summary>Entries of <paramref name="account"/> (null: all), newest first, at most <see cref="QuarantineOptions.MaxListed"/>.</summary>
    Task<IReadOnlyList<QuarantineEntry>> ListAsync(string? account, CancellationToken cancellationToken);

    /// <summary>The entry <paramref name="id"/> if it belongs to <paramref name="account"/> (null: any account).</summary>
    Task<QuarantineEntry?> FindAsync(string? account, string id, CancellationToken cancellationToken);

    /// <summary>The kept octets of <paramref name="entry"/>, or null once they are gone (released and purged, deleted).</summary>
    Stream? OpenMessage(QuarantineEntry entry);

    /// <summary>Asks for the release of a held entry; the SMTP-in node delivers it to the INBOX once.</summary>
    Task<QuarantineChange> RequestReleaseAsync(string? account, string id, CancellationToken cancellationToken);

    /// <summary>Deletes an entry that is not being released.</summary>
    Task<QuarantineChange> DeleteAsync(string? account, string id, CancellationToken cancellationToken);

    /// <summary>Claims the oldest requested release (state → <see cref="QuarantineState.Releasing"/>), null when none waits.</summary>
    Task<QuarantineEntry?> ClaimReleaseAsync(CancellationToken cancellationToken);

    /// <summary>Ends a claimed release: <see cref="QuarantineState.Released"/> with the INBOX UID, or back to held with the error.</summary>
    Task CompleteReleaseAsync(string id, uint uid, string? error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes entries past their expiry (not those being released) and message files no entry needs; returns how many entries.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What SMTP-in knows about a message it quarantines.</summary>
/// <param name="Accounts">Recipient accounts that keep this copy.</param>
/// <param name="QueueId">SMTP-in queue id.</param>
/// <param name="Reason">Virus or spam.</param>
/// <param name="Detail">Virus name or score text.</param>
/// <param name="Score">Spam score, null when nothing scored it.</param>
/// <param name="Sender">Envelope sender.</param>
/// <param name="From">Decoded From field.</param>
/// <param name="Subject">Decoded Subject field.</param>
/// <param name="ReceivedAt">Reception time.</param>
public sealed record QuarantineHold(
    IReadOnlyList<string> Accounts,
    string QueueId,
    QuarantineReason Reason,
    string Detail,
    double? Score,
    string Sender,
    string From,
    string Subject,
    DateTimeOffset ReceivedAt);

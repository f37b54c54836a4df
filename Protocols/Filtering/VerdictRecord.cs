namespace Mail.Protocols.Filtering;

/// <summary>
/// The per-message verdict record ("why this is junk"): one row per recipient account, written by
/// SMTP-in after the scan stage, read by the webmail. Rejected and tempfailed messages get rows too
/// (mailbox empty, UID 0), so "why was this refused" can be answered as well.
/// </summary>
/// <param name="QueueId">SMTP-in queue id: named in the message's <c>X-Mail-Scan: id=...</c> and <c>Received ... id ...</c> fields.</param>
/// <param name="Account">Canonical address of the recipient account.</param>
/// <param name="Mailbox">Mailbox the message was delivered to (<c>INBOX</c>, <c>Junk</c>), empty when not delivered.</param>
/// <param name="Uid">UID in that mailbox at delivery, 0 when not delivered (moves change it; match by queue id).</param>
/// <param name="ReceivedAt">When the scan finished.</param>
/// <param name="Action">The verdict.</param>
/// <param name="Score">The spam score used, null when nothing scored the message.</param>
/// <param name="JunkScore">The junk threshold in force.</param>
/// <param name="RejectScore">The reject threshold in force.</param>
/// <param name="Sender">Envelope sender, empty for the null sender.</param>
/// <param name="MessageId">The <c>Message-ID</c> field as received (raw, at most 998 characters), or null.</param>
/// <param name="Checks">Every scanner's result: name, outcome, score, rules that hit, detail, milliseconds.</param>
public sealed record VerdictRecord(
    string QueueId,
    string Account,
    string Mailbox,
    uint Uid,
    DateTimeOffset ReceivedAt,
    FilterAction Action,
    double? Score,
    double JunkScore,
    double RejectScore,
    string Sender,
    string? MessageId,
    IReadOnlyList<VerdictCheck> Checks);

/// <summary>One check of a <see cref="VerdictRecord"/>.</summary>
/// <param name="Name">Scanner name (<c>spamd</c>, <c>clamd</c>).</param>
/// <param name="Outcome">Clean, spam, virus, skipped, failed.</param>
/// <param name="Score">Its score, or null.</param>
/// <param name="Threshold">Its own threshold, or null.</param>
/// <param name="Symbols">Rules that hit / signature names.</param>
/// <param name="Detail">Virus name, failure or skip reason, or null.</param>
/// <param name="Milliseconds">Time it took.</param>
public sealed record VerdictCheck(string Name, ScanOutcome Outcome, double? Score, double? Threshold, IReadOnlyList<string> Symbols, string? Detail, long Milliseconds)
{
    /// <summary>The check of a scanner result.</summary>
    public static VerdictCheck From(ScanResult result) =>
        new(result.Scanner, result.Outcome, result.Score, result.Threshold, result.Symbols, result.Detail, (long)result.Elapsed.TotalMilliseconds);
}

/// <summary>Where verdict records are kept (see <see cref="SqliteVerdictStore"/>).</summary>
public interface IVerdictStore
{
    /// <summary>Stores the records of one message (one per account); replaces rows with the same queue id and account.</summary>
    /// <exception cref="IOException">The store cannot be written.</exception>
    Task RecordAsync(IReadOnlyList<VerdictRecord> records, CancellationToken cancellationToken);

    /// <summary>The record of message <paramref name="queueId"/> for <paramref name="account"/>, or null.</summary>
    Task<VerdictRecord?> FindAsync(string account, string queueId, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> records of <paramref name="account"/>, newest first.</summary>
    Task<IReadOnlyList<VerdictRecord>> ListAsync(string account, int limit, CancellationToken cancellationToken);
}

namespace Mail.Protocols.Filtering;

/// <summary>
/// One content scanner of the scan stage (after DATA, before the reply): spamd, clamd, or any
/// other implementation registered in DI. The pipeline (<see cref="MessageScanPipeline"/>) runs the
/// enabled scanners in parallel, each under its own timeout, and folds their results into one
/// <see cref="FilterVerdict"/>.
/// </summary>
/// <remarks>
/// Contract: a scanner reads the message through <see cref="ScanMessage"/> (it may be read by
/// several scanners at once), never changes it, and reports what it found as a
/// <see cref="ScanResult"/>. Expected failures (daemon down, protocol error, oversize) are results
/// with <see cref="ScanOutcome.Failed"/>; exceptions are bugs or I/O errors and are treated as
/// failures too. Cancellation of <c>cancellationToken</c> means the scanner's timeout elapsed or the
/// session is ending: throw <see cref="OperationCanceledException"/>.
/// </remarks>
public interface IMessageScanner
{
    /// <summary>Short stable name (<c>spamd</c>, <c>clamd</c>), used in <c>Mail:Filters:Order</c>, headers and verdict records.</summary>
    string Name { get; }

    /// <summary>True when configured (e.g. its endpoint is set); disabled scanners are not run.</summary>
    bool Enabled { get; }

    /// <summary>Timeout of one scan; the pipeline cancels the scan after it and applies the failure policy.</summary>
    TimeSpan Timeout { get; }

    /// <summary>What happens when this scanner fails or times out; null means <see cref="FilterOptions.FailurePolicy"/>.</summary>
    FilterFailurePolicy? FailurePolicy { get; }

    /// <summary>Scans one message.</summary>
    Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken);
}

/// <summary>What a scanner concluded.</summary>
public enum ScanOutcome
{
    /// <summary>Scanned, nothing found (a spam scanner reports its score anyway).</summary>
    Clean,

    /// <summary>Scanned, the scanner's own threshold says spam (its score is in <see cref="ScanResult.Score"/>).</summary>
    Spam,

    /// <summary>Malware found (<see cref="ScanResult.Detail"/> names it).</summary>
    Virus,

    /// <summary>Not scanned on purpose (e.g. larger than the scanner's size limit with <c>OversizeAction: Skip</c>).</summary>
    Skipped,

    /// <summary>The scanner could not scan: daemon down, protocol error, timeout, oversize with <c>OversizeAction: Fail</c>.</summary>
    Failed,
}

/// <summary>The result of one scanner for one message.</summary>
/// <param name="Scanner">The scanner's <see cref="IMessageScanner.Name"/>.</param>
/// <param name="Outcome">What it concluded.</param>
/// <param name="Score">Spam score (SpamAssassin points), or null for scanners without scores.</param>
/// <param name="Threshold">The scanner's own spam threshold, or null.</param>
/// <param name="Symbols">Names of the rules that hit (SpamAssassin tests), empty when none or unknown.</param>
/// <param name="Detail">Virus name, failure reason or skip reason (no message content), or null.</param>
/// <param name="Elapsed">Wall time the scan took.</param>
public sealed record ScanResult(
    string Scanner,
    ScanOutcome Outcome,
    double? Score,
    double? Threshold,
    IReadOnlyList<string> Symbols,
    string? Detail,
    TimeSpan Elapsed)
{
    /// <summary>
    /// RFC 8601 §2.2 resinfo entries this scanner contributes to <c>Authentication-Results</c>
    /// (e.g. <c>dkim=pass header.d=example.org header.s=sel1</c>); empty for content scanners.
    /// </summary>
    public IReadOnlyList<string> AuthenticationResults { get; init; } = [];

    /// <summary>
    /// An action the scanner itself demands, whatever the score (rspamd's <c>reject</c>, a milter's reject, tempfail
    /// or discard); null when it only reports. Applied by the pipeline after a virus verdict.
    /// </summary>
    public ScanDemand? Demand { get; init; }

    /// <summary>The SMTP reply the scanner asked for with its demand (a milter's SMFIR_REPLYCODE, <c>550 5.7.1 text</c>), or null.</summary>
    public string? Reply { get; init; }

    /// <summary>Changes to the delivered copy the scanner asks for (a milter's header and body modifications), in order; empty for most scanners.</summary>
    public IReadOnlyList<MessageEdit> Edits { get; init; } = [];

    /// <summary>A failure result with a reason.</summary>
    public static ScanResult Failure(string scanner, string reason, TimeSpan elapsed) => new(scanner, ScanOutcome.Failed, null, null, [], reason, elapsed);
}

/// <summary>An action a scanner demands (see <see cref="ScanResult.Demand"/>); <see cref="ScanResult.Detail"/> holds its reason.</summary>
public enum ScanDemand
{
    /// <summary>Refuse the message (<c>550 5.7.1</c>, or the milter's own 5xx reply).</summary>
    Reject,

    /// <summary>Refuse it temporarily (<c>451 4.7.1</c>, or the milter's own 4xx reply).</summary>
    Tempfail,

    /// <summary>Accept it (<c>250</c>) and drop it: nothing is delivered (a milter's SMFIR_DISCARD).</summary>
    Discard,

    /// <summary>Keep it away from the INBOX: it goes to the recipients' Junk mailbox whatever the score (a milter's SMFIR_QUARANTINE).</summary>
    Junk,
}

using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Filtering.Milter;

/// <summary>
/// One milter of <c>Mail:Filters:Milters</c> as a scanner named <c>milter:NAME</c>: one conversation per message
/// (<see cref="MilterSession"/>) under its own timeout and failure policy.
/// </summary>
/// <remarks>
/// Results: accept/continue → <see cref="ScanOutcome.Clean"/> with the milter's <see cref="ScanResult.Edits"/>
/// (applied to the delivered copy); reject → <see cref="ScanDemand.Reject"/> (<c>550 5.7.1</c>, or the milter's
/// own 5xx reply); tempfail → <see cref="ScanDemand.Tempfail"/> (<c>451 4.7.1</c>, or its own 4xx);
/// discard → <see cref="ScanDemand.Discard"/> (<c>250</c>, nothing delivered); quarantine →
/// <see cref="ScanDemand.Junk"/> (kept out of the INBOX, the reason in the verdict record).
/// <see cref="ScanOutcome.Failed"/> when the milter is unreachable or breaks the protocol.
/// </remarks>
public sealed class MilterScanner : IMessageScanner
{
    private readonly MilterOptions _options;
    private readonly ScannerEndpoint _endpoint;
    private readonly ILogger _logger;

    /// <exception cref="FormatException"><see cref="MilterOptions.Endpoint"/> is not <c>host:port</c>.</exception>
    public MilterScanner(MilterOptions options, ILogger logger)
    {
        _options = options;
        _endpoint = ScannerEndpoint.Parse(options.Endpoint);
        _logger = logger;
        Name = "milter:" + (string.IsNullOrWhiteSpace(options.Name) ? _endpoint.ToString() : options.Name.Trim());
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool Enabled => true;

    /// <inheritdoc />
    public TimeSpan Timeout => TimeSpan.FromSeconds(_options.TimeoutSeconds);

    /// <inheritdoc />
    public FilterFailurePolicy? FailurePolicy => _options.FailurePolicy;

    /// <inheritdoc />
    public async Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        MilterVerdict verdict;
        try
        {
            verdict = await MilterSession.RunAsync(_endpoint, _options, message, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or MilterProtocolException)
        {
            var reason = ex is MilterProtocolException ? "protocol error: " + ex.Message : "unreachable: " + ex.Message;
            FilterLog.ScannerFailed(_logger, Name, reason);
            return ScanResult.Failure(Name, reason, watch.Elapsed);
        }
        var (outcome, demand) = verdict.Decision switch
        {
            MilterDecision.Reject => (ScanOutcome.Spam, ScanDemand.Reject),
            MilterDecision.Tempfail => (ScanOutcome.Clean, ScanDemand.Tempfail),
            MilterDecision.Discard => (ScanOutcome.Spam, ScanDemand.Discard),
            _ => (ScanOutcome.Clean, verdict.Quarantine is null ? (ScanDemand?)null : ScanDemand.Junk),
        };
        var detail = verdict.Decision switch
        {
            MilterDecision.Accept when verdict.Quarantine is not null => "quarantine: " + verdict.Quarantine,
            MilterDecision.Accept => verdict.Edits.Count > 0 ? $"{verdict.Edits.Count} modification(s)" : null,
            _ => $"{verdict.Decision.ToString().ToLowerInvariant()} at {verdict.Step}" + (verdict.Reply is null ? "" : ": " + verdict.Reply),
        };
        return new ScanResult(Name, outcome, null, null, [], detail, watch.Elapsed)
        {
            Demand = demand,
            Reply = verdict.Reply,
            Edits = verdict.Decision == MilterDecision.Accept ? verdict.Edits : [],
        };
    }
}

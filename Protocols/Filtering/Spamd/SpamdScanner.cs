using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Spamd;

/// <summary>
/// Scores a message with SpamAssassin's spamd (<c>SYMBOLS</c>, so the verdict record can say which
/// rules hit). On when <c>Mail:Filters:Spamd:Endpoint</c> is set.
/// </summary>
/// <remarks>
/// Results: <see cref="ScanOutcome.Spam"/> or <see cref="ScanOutcome.Clean"/> by spamd's own
/// threshold, always with the score (the pipeline applies <see cref="FilterOptions.JunkScore"/> and
/// <see cref="FilterOptions.RejectScore"/>); <see cref="ScanOutcome.Failed"/> when spamd is
/// unreachable, answers a non-zero code or breaks the protocol; a message over
/// <see cref="SpamdOptions.MaxMessageOctets"/> is truncated, skipped or failed per
/// <see cref="SpamdOptions.OversizeAction"/>.
/// </remarks>
public sealed class SpamdScanner : IMessageScanner
{
    /// <summary>The scanner name.</summary>
    public const string ScannerName = "spamd";

    private readonly SpamdOptions _options;
    private readonly SpamdClient? _client;
    private readonly ILogger _logger;

    public SpamdScanner(IOptions<FilterOptions> options, ILogger<SpamdScanner> logger)
    {
        _options = options.Value.Spamd;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_options.Endpoint))
        {
            _client = new SpamdClient(_options.Endpoint, _options.User, _options.MaxReplyOctets);
        }
    }

    /// <inheritdoc />
    public string Name => ScannerName;

    /// <inheritdoc />
    public bool Enabled => _client is not null;

    /// <inheritdoc />
    public TimeSpan Timeout => TimeSpan.FromSeconds(_options.TimeoutSeconds);

    /// <inheritdoc />
    public FilterFailurePolicy? FailurePolicy => _options.FailurePolicy;

    /// <inheritdoc />
    public async Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException("spamd is not configured.");
        var watch = Stopwatch.StartNew();
        var max = long.MaxValue;
        string? note = null;
        if (message.Length > _options.MaxMessageOctets)
        {
            switch (_options.OversizeAction)
            {
                case OversizeAction.Skip:
                    return new ScanResult(Name, ScanOutcome.Skipped, null, null, [], $"larger than {_options.MaxMessageOctets} octets", watch.Elapsed);
                case OversizeAction.Fail:
                    return ScanResult.Failure(Name, $"larger than {_options.MaxMessageOctets} octets", watch.Elapsed);
                case OversizeAction.Truncate:
                    max = _options.MaxMessageOctets;
                    note = $"first {max} of {message.Length} octets scored";
                    break;
            }
        }
        SpamdReply reply;
        try
        {
            reply = await client.SendAsync(SpamdVerb.Symbols, message, max, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SpamdProtocolException)
        {
            FilterLog.ScannerFailed(_logger, Name, ex.Message);
            return ScanResult.Failure(Name, ex is SpamdProtocolException ? "protocol error: " + ex.Message : "unreachable: " + ex.Message, watch.Elapsed);
        }
        if (reply.Code != 0 || reply.Score is null)
        {
            var reason = $"spamd answered {reply.Code} {reply.Message}";
            FilterLog.ScannerFailed(_logger, Name, reason);
            return ScanResult.Failure(Name, reason, watch.Elapsed);
        }
        return new ScanResult(Name, reply.IsSpam == true ? ScanOutcome.Spam : ScanOutcome.Clean, reply.Score, reply.Threshold, reply.Symbols, note, watch.Elapsed);
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Clamd;

/// <summary>
/// Scans a message for malware with ClamAV's clamd (zINSTREAM). On when
/// <c>Mail:Filters:Clamd:Endpoint</c> is set.
/// </summary>
/// <remarks>
/// Results: <see cref="ScanOutcome.Virus"/> with the signature name, <see cref="ScanOutcome.Clean"/>,
/// or <see cref="ScanOutcome.Failed"/> (unreachable, <c>ERROR</c> reply such as
/// <c>INSTREAM size limit exceeded</c>, unknown reply). A message over
/// <see cref="ClamdOptions.MaxStreamOctets"/> is failed (default), truncated or skipped per
/// <see cref="ClamdOptions.OversizeAction"/>.
/// </remarks>
public sealed class ClamdScanner : IMessageScanner
{
    /// <summary>The scanner name.</summary>
    public const string ScannerName = "clamd";

    private readonly ClamdOptions _options;
    private readonly ClamdClient? _client;
    private readonly ILogger _logger;

    public ClamdScanner(IOptions<FilterOptions> options, ILogger<ClamdScanner> logger)
    {
        _options = options.Value.Clamd;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_options.Endpoint))
        {
            _client = new ClamdClient(_options.Endpoint, _options.ChunkOctets);
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
        var client = _client ?? throw new InvalidOperationException("clamd is not configured.");
        var watch = Stopwatch.StartNew();
        var max = long.MaxValue;
        string? note = null;
        if (message.Length > _options.MaxStreamOctets)
        {
            var reason = $"larger than {_options.MaxStreamOctets} octets";
            switch (_options.OversizeAction)
            {
                case OversizeAction.Skip:
                    return new ScanResult(Name, ScanOutcome.Skipped, null, null, [], reason, watch.Elapsed);
                case OversizeAction.Fail:
                    FilterLog.ScannerFailed(_logger, Name, reason);
                    return ScanResult.Failure(Name, reason, watch.Elapsed);
                case OversizeAction.Truncate:
                    max = _options.MaxStreamOctets;
                    note = $"first {max} of {message.Length} octets scanned";
                    break;
            }
        }
        ClamdReply reply;
        try
        {
            reply = await client.ScanAsync(message, max, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            FilterLog.ScannerFailed(_logger, Name, ex.Message);
            return ScanResult.Failure(Name, "unreachable: " + ex.Message, watch.Elapsed);
        }
        switch (reply.Status)
        {
            case ClamdStatus.Found:
                return new ScanResult(Name, ScanOutcome.Virus, null, null, [reply.Signature!], reply.Signature, watch.Elapsed);
            case ClamdStatus.Clean:
                return new ScanResult(Name, ScanOutcome.Clean, null, null, [], note, watch.Elapsed);
            default:
                var text = reply.Line.Length > 200 ? reply.Line[..200] : reply.Line;
                FilterLog.ScannerFailed(_logger, Name, text);
                return ScanResult.Failure(Name, "clamd answered: " + text, watch.Elapsed);
        }
    }
}

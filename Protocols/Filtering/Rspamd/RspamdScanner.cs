using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Rspamd;

/// <summary>
/// Scores a message with rspamd over HTTP (<c>POST /checkv2</c>). On when <c>Mail:Filters:Rspamd:Url</c> is set.
/// </summary>
/// <remarks>
/// Results: always rspamd's score (it joins the message score); <see cref="ScanOutcome.Spam"/> for the actions
/// <c>add header</c>, <c>rewrite subject</c>, <c>soft reject</c> and <c>reject</c>, else <see cref="ScanOutcome.Clean"/>.
/// rspamd's <c>reject</c> demands <see cref="ScanDemand.Reject"/> (<c>550 5.7.1</c> whatever the score: GTUBE
/// gets score 15 with action reject) and <c>soft reject</c> demands <see cref="ScanDemand.Tempfail"/> (when
/// <see cref="RspamdOptions.HonourSoftReject"/>). <c>greylist</c> is reported but not acted on (greylisting is the
/// block stage's). <see cref="ScanOutcome.Failed"/> when rspamd is unreachable, answers an HTTP error or
/// something that is not a check reply.
/// </remarks>
public sealed class RspamdScanner : IMessageScanner, IDisposable
{
    /// <summary>The scanner name.</summary>
    public const string ScannerName = "rspamd";

    private readonly RspamdOptions _options;
    private readonly RspamdClient? _client;
    private readonly ILogger _logger;

    public RspamdScanner(IOptions<FilterOptions> options, ILogger<RspamdScanner> logger)
    {
        _options = options.Value.Rspamd;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_options.Url))
        {
            _client = new RspamdClient(_options.Url.Trim(), _options.Password, _options.MaxReplyOctets);
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
        var client = _client ?? throw new InvalidOperationException("rspamd is not configured.");
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
                    note = $"first {max} of {message.Length} octets scanned";
                    break;
            }
        }
        RspamdReply reply;
        try
        {
            reply = await client.CheckAsync(message, max, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or RspamdProtocolException)
        {
            var reason = ex is RspamdProtocolException ? "protocol error: " + ex.Message : "unreachable: " + ex.Message;
            FilterLog.ScannerFailed(_logger, Name, reason);
            return ScanResult.Failure(Name, reason, watch.Elapsed);
        }
        var demand = reply.Action switch
        {
            "reject" => ScanDemand.Reject,
            "soft reject" when _options.HonourSoftReject => ScanDemand.Tempfail,
            _ => (ScanDemand?)null,
        };
        var spam = reply.Action is "reject" or "soft reject" or "add header" or "rewrite subject";
        var detail = demand is null ? note : reply.SmtpMessage ?? "action " + reply.Action;
        return new ScanResult(Name, spam ? ScanOutcome.Spam : ScanOutcome.Clean, reply.Score, reply.RequiredScore, reply.Symbols, detail, watch.Elapsed)
        {
            Demand = demand,
        };
    }

    public void Dispose() => _client?.Dispose();
}

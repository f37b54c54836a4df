using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The scan stage: runs every enabled <see cref="IMessageScanner"/> on a message, each under its
/// own timeout, and turns their results into a <see cref="FilterVerdict"/>.
/// </summary>
/// <remarks>
/// Scanners run in parallel by default (the stage costs the slowest scanner), or one after the
/// other in <see cref="FilterOptions.Order"/> stopping at the first refusal. Verdict, in this order:
/// a virus → <see cref="FilterAction.RejectVirus"/>; a score ≥ <see cref="FilterOptions.RejectScore"/>
/// → <see cref="FilterAction.RejectSpam"/>; a failed or timed-out scanner whose policy is
/// <see cref="FilterFailurePolicy.Tempfail"/> → <see cref="FilterAction.Tempfail"/> (nothing is
/// delivered unscanned unless configured); a score ≥ <see cref="FilterOptions.JunkScore"/> →
/// <see cref="FilterAction.Junk"/>; else <see cref="FilterAction.Deliver"/>.
/// </remarks>
public sealed class MessageScanPipeline
{
    private readonly List<IMessageScanner> _scanners;
    private readonly FilterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public MessageScanPipeline(IEnumerable<IMessageScanner> scanners, IOptions<FilterOptions> options, TimeProvider time, ILogger<MessageScanPipeline> logger)
        : this(scanners, [], options, time, logger)
    {
    }

    /// <summary>The scanners and those of <paramref name="providers"/> (the milters).</summary>
    public MessageScanPipeline(IEnumerable<IMessageScanner> scanners, IEnumerable<IMessageScannerProvider> providers, IOptions<FilterOptions> options, TimeProvider time, ILogger<MessageScanPipeline> logger)
    {
        scanners = scanners.Concat(providers.SelectMany(p => p.Scanners));
        _options = options.Value;
        _time = time;
        _logger = logger;
        var order = _options.Order.Count > 0 ? _options.Order : [Auth.DkimDmarcScanner.ScannerName, Clamd.ClamdScanner.ScannerName, Spamd.SpamdScanner.ScannerName, Rspamd.RspamdScanner.ScannerName];
        _scanners = scanners
            .Where(s => s.Enabled)
            .OrderBy(s => Rank(order, s.Name))
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        FilterLog.Configured(_logger, _scanners.Count == 0 ? "no scanners" : string.Join(", ", _scanners.Select(s => s.Name)));
    }

    /// <summary>The enabled scanners in report order.</summary>
    public IReadOnlyList<IMessageScanner> Scanners => _scanners;

    /// <summary>Scans <paramref name="message"/> and decides, with no prior block-stage results (e.g. authenticated submission).</summary>
    public Task<FilterVerdict> ScanAsync(ScanMessage message, string queueId, string host, CancellationToken cancellationToken) =>
        ScanAsync(message, queueId, host, [], cancellationToken);

    /// <summary>Scans <paramref name="message"/> after the block stage and decides.</summary>
    /// <param name="message">The message with the trace fields SMTP-in prepends.</param>
    /// <param name="queueId">The SMTP-in queue id (named in <c>X-Mail-Scan</c>, key of the verdict record).</param>
    /// <param name="host">The authserv-id for <c>Authentication-Results</c> (the node's host name).</param>
    /// <param name="prior">Results already known (scored block-stage hits); they come first and their scores count.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (session ending).</exception>
    public async Task<FilterVerdict> ScanAsync(ScanMessage message, string queueId, string host, IReadOnlyList<ScanResult> prior, CancellationToken cancellationToken)
    {
        var results = new List<ScanResult>(prior.Count + _scanners.Count);
        results.AddRange(prior);
        if (_options.Parallel)
        {
            results.AddRange(await Task.WhenAll(_scanners.Select(s => RunAsync(s, message, cancellationToken))));
        }
        else
        {
            foreach (var scanner in _scanners)
            {
                var result = await RunAsync(scanner, message, cancellationToken);
                results.Add(result);
                if (result.Outcome == ScanOutcome.Virus || result.Demand is ScanDemand.Reject || results.Sum(r => r.Score ?? 0) >= _options.RejectScore)
                {
                    break;
                }
            }
        }
        var verdict = Decide(results, queueId, host);
        FilterLog.Verdict(_logger, queueId, verdict.Action, verdict.Score,
            string.Join(", ", results.Select(r => $"{r.Scanner}={r.Outcome} {r.Elapsed.TotalMilliseconds:0}ms")));
        return verdict;
    }

    /// <summary>The verdict for <paramref name="results"/> (also used per recipient by <see cref="RecipientStage"/>).</summary>
    internal FilterVerdict Decide(IReadOnlyList<ScanResult> results, string queueId, string host)
    {
        var scores = results.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToList();
        double? score = scores.Count > 0 ? scores.Sum() : null;
        var virus = results.FirstOrDefault(r => r.Outcome == ScanOutcome.Virus);
        var demanded = results.FirstOrDefault(r => r.Demand == ScanDemand.Reject) ?? results.FirstOrDefault(r => r.Demand == ScanDemand.Tempfail) ??
            results.FirstOrDefault(r => r.Demand == ScanDemand.Discard) ?? results.FirstOrDefault(r => r.Demand == ScanDemand.Junk);
        var failedHard = results.FirstOrDefault(r => r.Outcome == ScanOutcome.Failed && PolicyOf(r.Scanner) == FilterFailurePolicy.Tempfail);
        FilterAction action;
        string? reason = null;
        string? reply = null;
        if (virus is not null)
        {
            action = FilterAction.RejectVirus;
            reason = FilterHeaders.Token(virus.Detail ?? "malware");
        }
        else if (demanded?.Demand == ScanDemand.Reject)
        {
            action = FilterAction.RejectSpam;
            reason = demanded.Scanner + ": " + FilterHeaders.Comment(demanded.Detail ?? "rejected");
            reply = demanded.Reply;
        }
        else if (score >= _options.RejectScore)
        {
            action = FilterAction.RejectSpam;
            reason = FormattableString.Invariant($"spam score {score:0.0}");
        }
        else if (demanded?.Demand == ScanDemand.Tempfail)
        {
            action = FilterAction.Tempfail;
            reason = demanded.Scanner + ": " + FilterHeaders.Comment(demanded.Detail ?? "tempfail");
            reply = demanded.Reply;
        }
        else if (failedHard is not null)
        {
            action = FilterAction.Tempfail;
            reason = failedHard.Scanner + " unavailable";
        }
        else if (demanded?.Demand == ScanDemand.Discard)
        {
            action = FilterAction.Discard;
            reason = demanded.Scanner + ": " + FilterHeaders.Comment(demanded.Detail ?? "discard");
        }
        else if (score >= _options.JunkScore || demanded?.Demand == ScanDemand.Junk)
        {
            action = FilterAction.Junk;
        }
        else
        {
            action = FilterAction.Deliver;
        }
        var headers = FilterHeaders.Build(host, queueId, action, score, _options.JunkScore, results);
        return new FilterVerdict(action, score, results, headers, reason)
        {
            Reply = reply,
        };
    }

    private FilterFailurePolicy PolicyOf(string scanner) =>
        _scanners.FirstOrDefault(s => s.Name == scanner)?.FailurePolicy ?? _options.FailurePolicy;

    private async Task<ScanResult> RunAsync(IMessageScanner scanner, ScanMessage message, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(scanner.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // Task.Run: a scanner that does synchronous work first must not serialize the others.
            return await Task.Run(() => scanner.ScanAsync(message, linked.Token), linked.Token).WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            FilterLog.ScannerTimedOut(_logger, scanner.Name, scanner.Timeout.TotalSeconds);
            return ScanResult.Failure(scanner.Name, FormattableString.Invariant($"timed out after {scanner.Timeout.TotalSeconds:0.###} s"), watch.Elapsed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            FilterLog.ScannerThrew(_logger, scanner.Name, ex);
            return ScanResult.Failure(scanner.Name, "internal error", watch.Elapsed);
        }
    }

    private static int Rank(List<string> order, string name)
    {
        var index = order.FindIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? int.MaxValue : index;
    }
}

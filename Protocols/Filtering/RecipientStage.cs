using System.Diagnostics;
using System.Globalization;
using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Filtering.Lists;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Protocols.Filtering;

/// <summary>
/// The per-recipient step after the scan stage: each recipient account's sender lists
/// (<see cref="ISenderListStore"/>) and Bayes data (<see cref="BayesStore"/>) turn the message's
/// verdict into that account's verdict. SMTP-in then delivers each group of accounts with the same
/// verdict once.
/// </summary>
/// <remarks>
/// <para>Only messages the scan stage would deliver, junk or refuse as spam are personalized; a
/// virus, a tempfail and a milter's discard stay as they are (an allow entry never skips the virus scan).</para>
/// <para>Per account, in this order: a sender list match (the account's list, then its domain's)
/// adds a <c>lists</c> result (<c>USER_ALLOW</c>, <c>USER_BLOCK</c>, <c>DOMAIN_ALLOW</c>,
/// <c>DOMAIN_BLOCK</c>); an allow entry is ignored when DMARC failed. Without an allow, the
/// account's Bayes data, once it has learned <see cref="BayesOptions.MinSpamMessages"/> spam and
/// <see cref="BayesOptions.MinHamMessages"/> ham, adds a <c>bayes</c> result whose points (the
/// BAYES_xx band) count in the score. Then: allow → the spam verdict is skipped (delivered to
/// INBOX unless a scanner failed under <c>Tempfail</c>); block → at least Junk, or a refusal when
/// <see cref="SenderListOptions.BlockAction"/> is <c>Reject</c>; otherwise the usual thresholds.</para>
/// <para>SMTP has one reply per message: the message is refused only when every account refuses it;
/// otherwise accounts whose verdict is a spam refusal get it in Junk (never a bounce).</para>
/// <para>The lists and Bayes data are advisory: when they cannot be read (or Bayes exceeds
/// <see cref="BayesOptions.TimeoutSeconds"/>) the account gets the message's verdict and a warning is logged.</para>
/// </remarks>
public sealed class RecipientStage
{
    /// <summary>Name of the sender-list result.</summary>
    public const string ListsName = "lists";

    /// <summary>Name of the Bayes result.</summary>
    public const string BayesName = "bayes";

    private readonly MessageScanPipeline _pipeline;
    private readonly ISenderListStore _lists;
    private readonly BayesStore _bayes;
    private readonly FilterOptions _options;
    private readonly BayesTokenizer _tokenizer;
    private readonly ILogger _logger;

    public RecipientStage(MessageScanPipeline pipeline, ISenderListStore lists, BayesStore bayes, IOptions<FilterOptions> options, ILogger<RecipientStage> logger)
    {
        _pipeline = pipeline;
        _lists = lists;
        _bayes = bayes;
        _options = options.Value;
        _tokenizer = new BayesTokenizer(_options.Bayes);
        _logger = logger;
    }

    /// <summary>Each account's verdict for <paramref name="message"/>, grouped for delivery.</summary>
    /// <param name="verdict">The scan stage's verdict for the message.</param>
    /// <param name="message">The message as scanned.</param>
    /// <param name="sender">Envelope sender, empty for the null sender.</param>
    /// <param name="accounts">Distinct recipient accounts.</param>
    /// <param name="queueId">Queue id (headers, records).</param>
    /// <param name="host">authserv-id for <c>Authentication-Results</c>.</param>
    /// <param name="cancellationToken">The session's token.</param>
    public async Task<RecipientVerdicts> DecideAsync(FilterVerdict verdict, ScanMessage message, string sender, IReadOnlyList<string> accounts, string queueId, string host, CancellationToken cancellationToken)
    {
        if (accounts.Count == 0)
        {
            return new RecipientVerdicts(verdict.Delivers ? null : verdict, [], []);
        }
        if (verdict.Action is not (FilterAction.Deliver or FilterAction.Junk or FilterAction.RejectSpam))
        {
            return RecipientVerdicts.Same(verdict, accounts);
        }
        var senders = Senders(message, sender);
        var dmarcFailed = verdict.Results.Any(r => r.AuthenticationResults.Any(a => a.StartsWith("dmarc=fail", StringComparison.OrdinalIgnoreCase)));
        IReadOnlySet<string>? tokens = null;
        var perAccount = new List<(string Account, FilterVerdict Verdict)>(accounts.Count);
        foreach (var account in accounts)
        {
            var extra = new List<ScanResult>(2);
            var match = await MatchAsync(account, senders, cancellationToken);
            var kind = match?.Entry.Kind;
            if (match is not null)
            {
                var ignored = kind == SenderListKind.Allow && dmarcFailed;
                var symbol = (match.Entry.Scope == SenderListScope.User ? "USER_" : "DOMAIN_") + (kind == SenderListKind.Allow ? "ALLOW" : "BLOCK");
                // Score 0: named in X-Spam-Status tests=, counts nothing.
                extra.Add(new ScanResult(ListsName, ignored ? ScanOutcome.Skipped : kind == SenderListKind.Block ? ScanOutcome.Spam : ScanOutcome.Clean, 0, null, [symbol],
                    ignored ? $"{match.Entry.Pattern}: allow ignored, DMARC failed" : match.Entry.Pattern, TimeSpan.Zero));
                if (ignored)
                {
                    kind = null;
                }
            }
            if (kind != SenderListKind.Allow && _options.Bayes.Enabled)
            {
                // Tokenized once per message, and only when some recipient's data is trained enough.
                if (await IsTrainedAsync(account, cancellationToken))
                {
                    tokens ??= Tokenize(message, cancellationToken);
                    if (tokens is not null && await ClassifyAsync(account, tokens, cancellationToken) is { } bayes)
                    {
                        extra.Add(bayes);
                    }
                }
            }
            perAccount.Add((account, extra.Count == 0 && kind is null ? verdict : Personalize(verdict, extra, kind, queueId, host)));
        }
        if (perAccount.All(p => !p.Verdict.Delivers))
        {
            return new RecipientVerdicts(perAccount[0].Verdict, [], perAccount);
        }
        // Some account takes the message: the others' spam refusals become Junk (one SMTP reply per message).
        var delivered = perAccount
            .Select(p => p.Verdict.Action == FilterAction.RejectSpam ? (p.Account, Verdict: Rebuild(p.Verdict, FilterAction.Junk, queueId, host)) : p)
            .ToList();
        var groups = delivered
            .GroupBy(p => (p.Verdict.Action, p.Verdict.Headers))
            .Select(g => new RecipientGroup(g.First().Verdict, g.Select(p => p.Account).ToList()))
            .ToList();
        return new RecipientVerdicts(null, groups, delivered);
    }

    private FilterVerdict Personalize(FilterVerdict verdict, List<ScanResult> extra, SenderListKind? kind, string queueId, string host)
    {
        var all = verdict.Results.Concat(extra).ToList();
        if (kind == SenderListKind.Allow)
        {
            // Decide without the spam signals (scores, reject/junk demands), then report every result as it was.
            var neutral = all.Select(r => r with { Score = null, Demand = r.Demand is ScanDemand.Tempfail ? r.Demand : null }).ToList();
            var decided = _pipeline.Decide(neutral, queueId, host);
            return Rebuild(_pipeline.Decide(all, queueId, host), decided.Action, queueId, host, decided.Reason);
        }
        var result = _pipeline.Decide(all, queueId, host);
        if (kind == SenderListKind.Block)
        {
            var action = _options.Lists.BlockAction == SenderBlockAction.Reject
                ? (result.Action is FilterAction.Deliver or FilterAction.Junk ? FilterAction.RejectSpam : result.Action)
                : (result.Action == FilterAction.Deliver ? FilterAction.Junk : result.Action);
            return action == result.Action ? result : Rebuild(result, action, queueId, host, action == FilterAction.RejectSpam ? "sender blocked" : null);
        }
        return result;
    }

    private FilterVerdict Rebuild(FilterVerdict verdict, FilterAction action, string queueId, string host, string? reason = null) => verdict with
    {
        Action = action,
        Reason = action is FilterAction.Deliver or FilterAction.Junk ? null : reason ?? verdict.Reason,
        Headers = FilterHeaders.Build(host, queueId, action, verdict.Score, _options.JunkScore, verdict.Results),
    };

    private async Task<SenderListMatch?> MatchAsync(string account, List<string> senders, CancellationToken cancellationToken)
    {
        if (!_options.Lists.Enabled || senders.Count == 0)
        {
            return null;
        }
        try
        {
            return await _lists.MatchAsync(account, senders, cancellationToken);
        }
        catch (IOException ex)
        {
            LearningLog.ListsFailed(_logger, account, ex.Message);
            return null;
        }
    }

    private IReadOnlySet<string>? Tokenize(ScanMessage message, CancellationToken cancellationToken)
    {
        var head = new byte[(int)Math.Min(message.Length, _options.Bayes.MaxMessageOctets)];
        var at = 0;
        foreach (var segment in message.Segments(head.Length))
        {
            segment.Span.CopyTo(head.AsSpan(at));
            at += segment.Length;
        }
        try
        {
            return _tokenizer.Tokenize(head, cancellationToken);
        }
        catch (FormatException ex)
        {
            LearningLog.ClassifyFailed(_logger, "(message)", ex.Message);
            return null;
        }
    }

    private async Task<bool> IsTrainedAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            return await _bayes.GetMessageCountsAsync(account, cancellationToken) is { } counts
                && counts.Spam >= _options.Bayes.MinSpamMessages && counts.Ham >= _options.Bayes.MinHamMessages;
        }
        catch (IOException ex)
        {
            LearningLog.ClassifyFailed(_logger, account, ex.Message);
            return false;
        }
    }

    private async Task<ScanResult?> ClassifyAsync(string account, IReadOnlySet<string> tokens, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.Bayes.TimeoutSeconds));
        try
        {
            var counts = await _bayes.LookupAsync(account, tokens, timeout.Token);
            if (counts is null || counts.SpamMessages < _options.Bayes.MinSpamMessages || counts.HamMessages < _options.Bayes.MinHamMessages)
            {
                return null;
            }
            var score = BayesClassifier.Classify(tokens, counts, _options.Bayes);
            var (rule, points) = BayesClassifier.Band(score.Probability, _options.Bayes.ScoreScale);
            return new ScanResult(BayesName, score.Probability >= 0.9 ? ScanOutcome.Spam : ScanOutcome.Clean, Math.Round(points, 3), null, [rule],
                string.Create(CultureInfo.InvariantCulture, $"p={score.Probability:0.0000}"), watch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LearningLog.ClassifyFailed(_logger, account, $"timed out after {_options.Bayes.TimeoutSeconds} s");
            return null;
        }
        catch (IOException ex)
        {
            LearningLog.ClassifyFailed(_logger, account, ex.Message);
            return null;
        }
    }

    /// <summary>The envelope sender and the From addresses (at most 5), for the list match.</summary>
    private static List<string> Senders(ScanMessage message, string sender)
    {
        var list = new List<string>(3);
        if (sender.Length > 0)
        {
            list.Add(sender);
        }
        if (message.FirstHeader("From") is { } from && InternetAddressList.TryParse(from, out var addresses))
        {
            list.AddRange(addresses.Mailboxes.Take(5).Select(m => m.Address));
        }
        return list;
    }
}

/// <summary>The per-account verdicts of one message.</summary>
/// <param name="Refusal">When no account takes the message: the verdict to answer with (the first account's); else null.</param>
/// <param name="Groups">Accounts to deliver to, grouped by identical verdict (action and header fields); empty with a refusal.</param>
/// <param name="Accounts">Every account's verdict (for the verdict records).</param>
public sealed record RecipientVerdicts(FilterVerdict? Refusal, IReadOnlyList<RecipientGroup> Groups, IReadOnlyList<(string Account, FilterVerdict Verdict)> Accounts)
{
    /// <summary>Every account gets <paramref name="verdict"/>.</summary>
    public static RecipientVerdicts Same(FilterVerdict verdict, IReadOnlyList<string> accounts) =>
        verdict.Delivers
            ? new(null, [new RecipientGroup(verdict, accounts)], accounts.Select(a => (a, verdict)).ToList())
            : new(verdict, [], accounts.Select(a => (a, verdict)).ToList());

    /// <summary>The same verdicts without <paramref name="accounts"/> (kept in the quarantine instead); <see cref="Refusal"/> stays.</summary>
    public RecipientVerdicts Without(IReadOnlySet<string> accounts) => this with
    {
        Groups = Groups.Select(g => g with { Accounts = g.Accounts.Where(a => !accounts.Contains(a)).ToList() }).Where(g => g.Accounts.Count > 0).ToList(),
        Accounts = Accounts.Where(a => !accounts.Contains(a.Account)).ToList(),
    };
}

/// <summary>Accounts that get the message with the same verdict.</summary>
/// <param name="Verdict">Their verdict (Deliver or Junk), with the header fields to prepend.</param>
/// <param name="Accounts">The accounts.</param>
public sealed record RecipientGroup(FilterVerdict Verdict, IReadOnlyList<string> Accounts);

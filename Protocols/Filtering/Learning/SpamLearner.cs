using System.Net.Sockets;
using System.Security.Cryptography;
using Mail.Protocols.Filtering.Spamd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// <see cref="ISpamLearner"/> over the built-in Bayes data (<see cref="BayesStore"/>) and, when
/// configured, spamd's <c>TELL</c> (SPAMC/1.5: <c>Message-class: spam|ham</c>, <c>Set: local</c>;
/// spamd must run with <c>--allow-tell</c>).
/// </summary>
public sealed class SpamLearner : ISpamLearner
{
    private readonly BayesStore _store;
    private readonly BayesOptions _options;
    private readonly BayesTokenizer _tokenizer;
    private readonly SpamdOptions _spamd;
    private readonly SpamdClient? _spamdClient;
    private readonly ILogger _logger;

    public SpamLearner(BayesStore store, IOptions<FilterOptions> options, ILogger<SpamLearner> logger)
    {
        _store = store;
        _options = options.Value.Bayes;
        _tokenizer = new BayesTokenizer(_options);
        _spamd = options.Value.Spamd;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(_spamd.Endpoint) && _spamd.Learn)
        {
            _spamdClient = new SpamdClient(_spamd.Endpoint, _spamd.User, _spamd.MaxReplyOctets);
        }
    }

    /// <inheritdoc />
    public async Task<LearnResult> LearnAsync(string account, Stream message, SpamClass kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(message);
        var path = _store.PathOf(account);
        var keep = (int)Math.Max(_options.MaxMessageOctets, _spamdClient is null ? 0 : Math.Min(_spamd.MaxMessageOctets, int.MaxValue));
        var (head, digest) = await ReadAsync(message, keep, cancellationToken);
        var tokens = _tokenizer.Tokenize(head, cancellationToken);
        var outcome = await _store.LearnAsync(account, digest, tokens, kind, cancellationToken);
        LearningLog.Learned(_logger, path, kind, outcome, tokens.Count);

        bool? told = null;
        string? error = null;
        if (_spamdClient is not null)
        {
            (told, error) = await TellAsync(_spamdClient, head, kind, cancellationToken);
        }
        return new LearnResult(outcome, outcome == LearnOutcome.AlreadyLearned ? 0 : tokens.Count, told, error);
    }

    /// <inheritdoc />
    public async Task<BayesStatistics> GetStatisticsAsync(string account, CancellationToken cancellationToken)
    {
        var (spam, ham, tokens) = await _store.GetTotalsAsync(account, cancellationToken);
        return new BayesStatistics(spam, ham, tokens, spam >= _options.MinSpamMessages && ham >= _options.MinHamMessages);
    }

    private async Task<(bool, string?)> TellAsync(SpamdClient client, ReadOnlyMemory<byte> head, SpamClass kind, CancellationToken cancellationToken)
    {
        var length = (int)Math.Min(head.Length, _spamd.MaxMessageOctets);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_spamd.TimeoutSeconds));
        try
        {
            var reply = await client.TellAsync(kind == SpamClass.Spam, new ScanMessage(new System.Buffers.ReadOnlySequence<byte>(head[..length])), timeout.Token);
            if (reply.Code == 0)
            {
                return (true, null);
            }
            var reason = $"spamd answered {reply.Code} {reply.Message} (does spamd run with --allow-tell?)";
            LearningLog.TellFailed(_logger, reason);
            return (false, reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = $"timed out after {_spamd.TimeoutSeconds} s";
            LearningLog.TellFailed(_logger, reason);
            return (false, reason);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SpamdProtocolException)
        {
            LearningLog.TellFailed(_logger, ex.Message);
            return (false, ex is SpamdProtocolException ? "protocol error: " + ex.Message : "unreachable: " + ex.Message);
        }
    }

    /// <summary>Reads the whole stream, hashing all of it and keeping the first <paramref name="keep"/> octets.</summary>
    private static async Task<(ReadOnlyMemory<byte> Head, byte[] Digest)> ReadAsync(Stream message, int keep, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var head = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await message.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            var room = keep - (int)head.Length;
            if (room > 0)
            {
                head.Write(buffer, 0, Math.Min(room, read));
            }
        }
        return (head.GetBuffer().AsMemory(0, (int)head.Length), hash.GetHashAndReset());
    }
}

using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// The block stage (before DATA, cheap; issue 5): HELO and sender syntax, connection and message
/// rate limits per client IP, greylisting, DNSBL. Each check returns a <see cref="BlockDecision"/>
/// when it hits; SMTP-in turns Tempfail/Reject into a reply and carries Score hits into the scan
/// stage (they add to the spam score and appear in the verdict record).
/// </summary>
public sealed class BlockStage : IDisposable
{
    private readonly BlockOptions _options;
    private readonly RateLimiter _connections;
    private readonly RateLimiter _messages;
    private readonly Greylist _greylist;
    private readonly RedisGreylist? _sharedGreylist;
    private readonly ILogger _logger;
    private readonly DnsblChecker _dnsbl;
    private readonly SpfChecker _spf;

    /// <param name="options">Block options.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="configuration">With <c>ConnectionStrings:Redis</c> set, greylisting is kept in Redis (<see cref="RedisGreylist"/>).</param>
    public BlockStage(IOptions<FilterOptions> options, TimeProvider time, ILogger<BlockStage> logger, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        _logger = logger;
        if (options.Value.Block.Greylisting.Enabled && configuration?.GetSection("ConnectionStrings")["Redis"] is { Length: > 0 } redis)
        {
            _sharedGreylist = new RedisGreylist(options.Value.Block.Greylisting, time, redis);
        }
        _options = options.Value.Block;
        _connections = new RateLimiter(_options.Rates.MaxConnectionsPerMinute, _options.Rates.MaxTrackedClients, time);
        _messages = new RateLimiter(_options.Rates.MaxMessagesPerMinute, _options.Rates.MaxTrackedClients, time);
        _greylist = new Greylist(_options.Greylisting, time);
        _dnsbl = new DnsblChecker(_options.Dnsbl, logger);
        _spf = new SpfChecker(_options.Spf);
    }

    /// <summary>The greylist (for inspection).</summary>
    public Greylist Greylist => _greylist;

    /// <summary>At connect: the connection rate limit.</summary>
    public BlockDecision? CheckConnection(IPAddress client) =>
        _connections.TryAcquire(client) ? null : new BlockDecision(BlockCheck.ConnectionRate, CheckAction.Tempfail, 0, Literal(client));

    /// <summary>
    /// At MAIL: message rate, HELO syntax, sender syntax, on the first MAIL of a connection
    /// (<paramref name="firstOfConnection"/>) the DNSBLs, then SPF. Hits in that order (SPF always,
    /// as it reports its result); the first Tempfail/Reject is the reply.
    /// </summary>
    public async Task<IReadOnlyList<BlockDecision>> CheckMailAsync(IPAddress client, string? helo, string sender, bool firstOfConnection, CancellationToken cancellationToken)
    {
        var hits = new List<BlockDecision>();
        if (!_messages.TryAcquire(client))
        {
            hits.Add(new BlockDecision(BlockCheck.MessageRate, CheckAction.Tempfail, 0, Literal(client)));
            return hits;
        }
        if (_options.Helo.Action != CheckAction.Off && (helo is null || !HostSyntax.IsDomainOrLiteral(helo)))
        {
            hits.Add(new BlockDecision(BlockCheck.Helo, _options.Helo.Action, _options.Helo.Score, FilterHeaders.Token(helo ?? "")));
        }
        if (_options.Sender.Action != CheckAction.Off && sender.Length > 0)
        {
            var at = sender.LastIndexOf('@');
            if (at <= 0 || !HostSyntax.IsFullyQualified(sender[(at + 1)..]))
            {
                hits.Add(new BlockDecision(BlockCheck.Sender, _options.Sender.Action, _options.Sender.Score, FilterHeaders.Token(sender)));
            }
        }
        if (firstOfConnection && _dnsbl.Enabled)
        {
            hits.AddRange(await _dnsbl.CheckAsync(client, cancellationToken));
        }
        if (_spf.Enabled && !hits.Any(h => h.Action is CheckAction.Tempfail or CheckAction.Reject))
        {
            hits.Add(await _spf.CheckAsync(client, helo, sender, cancellationToken));
        }
        return hits;
    }

    /// <summary>
    /// At RCPT of a local recipient: greylisting, in Redis when configured (in this node's memory while Redis
    /// cannot answer), else in memory. Null when it passes.
    /// </summary>
    public async Task<BlockDecision?> CheckRecipientAsync(IPAddress client, string sender, string recipient)
    {
        if (!_options.Greylisting.Enabled)
        {
            return null;
        }
        TimeSpan? wait;
        try
        {
            wait = _sharedGreylist is null ? _greylist.Check(client, sender, recipient) : await _sharedGreylist.CheckAsync(client, sender, recipient);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            FilterLog.GreylistRedisFailed(_logger, ex);
            wait = _greylist.Check(client, sender, recipient);
        }
        return wait is null ? null : new BlockDecision(BlockCheck.Greylist, CheckAction.Tempfail, 0, FilterHeaders.Token(recipient));
    }

    private static string Literal(IPAddress client) => (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();

    /// <summary>Releases the SPF resolver.</summary>
    public void Dispose()
    {
        _spf.Dispose();
        _sharedGreylist?.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>
/// MTA-STS (RFC 8461) policies of recipient domains: the <c>_mta-sts.&lt;domain&gt;</c> TXT record
/// (<c>v=STSv1; id=...</c>, §3.1), then the policy from <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c>
/// (§3.3: HttpClient, a certificate valid for that name under <see cref="CertificateVerifier"/>'s roots, no redirects,
/// <c>text/plain</c>, at most 64 KiB). Policies are cached in memory until <c>max_age</c>; a new TXT id makes a new
/// fetch, and a failed fetch or a vanished TXT record keeps the cached policy (§5.1: an attacker that blocks DNS or
/// HTTPS cannot downgrade a known policy). Fetched policies are also written to <see cref="MtaStsPolicyStore"/> and read
/// back after a restart, so they are honoured until <c>max_age</c> even when the policy host is unreachable then.
/// <see cref="OutboundOptions.MtaStsPolicyEndpoint"/> redirects the
/// connection (not the name) for tests.
/// </summary>
internal sealed class MtaStsResolver : IDisposable
{
    /// <summary>Largest policy body accepted, in octets (RFC 8461 §3.3 suggests 64 KiB).</summary>
    public const int MaxPolicyOctets = 64 * 1024;

    private readonly OutboundDns _dns;
    private readonly OutboundOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly MtaStsPolicyStore _store;
    private readonly TlsReporting.TlsReportCollector _reports;
    private readonly ConcurrentDictionary<string, MtaStsPolicy> _cache = new(StringComparer.OrdinalIgnoreCase);

    public MtaStsResolver(OutboundDns dns, CertificateVerifier verifier, MtaStsPolicyStore store, TlsReporting.TlsReportCollector reports, IOptions<OutboundOptions> options, TimeProvider time, ILogger<MtaStsResolver> logger)
    {
        _dns = dns;
        _store = store;
        _reports = reports;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(_options.MtaStsFetchTimeoutSeconds),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (message, certificate, chain, _errors) =>
                    message is SslStream ssl && verifier.Verify(new OutboundTlsPolicy(TlsRequirement.Pkix, ssl.TargetHostName, [], "MTA-STS"), certificate, chain, out _),
            },
        };
        if (_options.MtaStsPolicyEndpoint.Length > 0)
        {
            var endPoint = _options.MtaStsPolicyEndpoint;
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var colon = endPoint.LastIndexOf(':');
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endPoint[..colon].Trim('[', ']'), int.Parse(endPoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(_options.MtaStsFetchTimeoutSeconds) };
    }

    /// <summary>The domain's policy (cached, refreshed per RFC 8461 §5.1), or null when it has none.</summary>
    public async Task<MtaStsPolicy?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        var now = _time.GetUtcNow();
        if (!_cache.TryGetValue(domain, out var cached) && _store.Load(domain, now) is { } stored)
        {
            // First use since the start: the policy cached by an earlier run (RFC 8461 §5.1).
            cached = _cache.GetOrAdd(domain, stored);
        }
        if (cached is not null && cached.Expires <= now)
        {
            _cache.TryRemove(domain, out _);
            cached = null;
        }
        var txt = await _dns.ResolveTxtAsync("_mta-sts." + domain, cancellationToken);
        var records = txt?.Where(t => t.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
        if (records is null || records.Count != 1 || Id(records[0]) is not { } id)
        {
            // No (single, valid) record, or DNS failed: a cached policy stays in force (§5.1).
            return cached;
        }
        if (cached is not null && cached.Id == id)
        {
            return cached;
        }
        var fetched = await FetchAsync(domain, id, now, cancellationToken);
        if (fetched is null)
        {
            return cached;
        }
        _cache[domain] = fetched;
        try
        {
            _store.Save(domain, fetched);
        }
        catch (IOException ex)
        {
            // The policy still applies in memory; only its survival across a restart is lost.
            MtaStsLog.CacheWriteFailed(_logger, domain, ex.Message);
        }
        MtaStsLog.PolicyFetched(_logger, domain, fetched.Mode, fetched.MaxAgeSeconds, id);
        return fetched;
    }

    /// <summary>The <c>id</c> field of a <c>v=STSv1</c> record (1-32 letters or digits, RFC 8461 §3.1), or null.</summary>
    internal static string? Id(string record)
    {
        foreach (var field in record.Split(';'))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && field[..eq].Trim() == "id")
            {
                var value = field[(eq + 1)..].Trim();
                return value.Length is >= 1 and <= 32 && value.All(char.IsAsciiLetterOrDigit) ? value : null;
            }
        }
        return null;
    }

    private async Task<MtaStsPolicy?> FetchAsync(string domain, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var url = new Uri($"https://mta-sts.{domain}/.well-known/mta-sts.txt");
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/plain")
            {
                return Failed(domain, TlsReporting.TlsResultType.StsPolicyFetchError, $"HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxPolicyOctets + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }
            if (length > MaxPolicyOctets)
            {
                return Failed(domain, TlsReporting.TlsResultType.StsPolicyInvalid, "policy larger than 64 KiB");
            }
            var policy = MtaStsPolicy.Parse(Encoding.UTF8.GetString(buffer, 0, length), id, now);
            return policy ?? Failed(domain, TlsReporting.TlsResultType.StsPolicyInvalid, "malformed policy");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A refused certificate surfaces as an AuthenticationException inside the HttpRequestException.
            var type = ex.InnerException is System.Security.Authentication.AuthenticationException
                ? TlsReporting.TlsResultType.StsWebPkiInvalid : TlsReporting.TlsResultType.StsPolicyFetchError;
            return Failed(domain, type, ex.Message);
        }
    }

    /// <summary>Logs a failed fetch and counts it for the domain's TLS report (RFC 8460 §4.3.2.2); returns null.</summary>
    private MtaStsPolicy? Failed(string domain, string resultType, string error)
    {
        MtaStsLog.FetchFailed(_logger, domain, error);
        _reports.RecordFailure(new TlsReporting.TlsReportPolicy(domain, TlsReporting.TlsReportPolicy.Sts, [], []), resultType, null, null, null, error);
        return null;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Log messages of MTA-STS and DANE (EventIds 6150-6169).</summary>
internal static partial class MtaStsLog
{
    [LoggerMessage(EventId = 6150, Level = LogLevel.Information, Message = "MTA-STS policy of {Domain}: mode {Mode}, max_age {MaxAge} s, id {Id}")]
    public static partial void PolicyFetched(ILogger logger, string domain, string mode, long maxAge, string id);

    [LoggerMessage(EventId = 6151, Level = LogLevel.Warning, Message = "MTA-STS policy of {Domain} not fetched: {Error}")]
    public static partial void FetchFailed(ILogger logger, string domain, string error);

    [LoggerMessage(EventId = 6152, Level = LogLevel.Warning, Message = "MTA-STS testing mode of {Domain}: {Host} would fail: {Error}")]
    public static partial void TestingFailure(ILogger logger, string domain, string host, string error);

    [LoggerMessage(EventId = 6154, Level = LogLevel.Warning, Message = "MTA-STS policy of {Domain} not saved to the policy cache: {Error}")]
    public static partial void CacheWriteFailed(ILogger logger, string domain, string error);

    [LoggerMessage(EventId = 6153, Level = LogLevel.Debug, Message = "DANE: {Host} has {Count} authenticated TLSA record(s)")]
    public static partial void Dane(ILogger logger, string host, int count);

    [LoggerMessage(EventId = 6155, Level = LogLevel.Warning, Message = "DANE: {Host} has {Count} authenticated TLSA record(s), none usable: TLS without authentication")]
    public static partial void DaneUnusable(ILogger logger, string host, int count);
}

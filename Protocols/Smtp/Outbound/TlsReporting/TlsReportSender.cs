using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Protocols.Smtp.Outbound.Tls;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// Sends the TLSRPT aggregate reports (RFC 8460 §5): once a day, just after midnight UTC, for the day before (and
/// at once when <c>admin tlsrpt send</c> drops <see cref="SendNowPath"/>, for the period so far). Each policy domain
/// with sessions gets its <c>_smtp._tls</c> TXT record looked up; with a single valid <c>v=TLSRPTv1</c> record the
/// report goes to every <c>rua</c>: <c>mailto:</c> as a §5.3 mail from <see cref="TlsReportOptions.Address"/>,
/// DKIM-signed with its domain's key, through our own outbound queue; <c>https:</c> as a POST of the gzip body
/// (§5.4; certificate checked like an MTA-STS policy host, name resolved with <see cref="OutboundDns"/>). Domains
/// without a record get nothing. Also saves the counters every <see cref="TlsReportOptions.SaveIntervalSeconds"/>.
/// </summary>
internal sealed class TlsReportSender : BackgroundService
{
    private readonly TlsReportCollector _collector;
    private readonly OutboundDns _dns;
    private readonly OutboundQueueStore _queue;
    private readonly DkimMessageSigner _dkim;
    private readonly TlsReportOptions _options;
    private readonly string _hostName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _sending = new(1, 1);

    public TlsReportSender(TlsReportCollector collector, OutboundDns dns, OutboundQueueStore queue, DkimMessageSigner dkim, CertificateVerifier verifier,
        IOptions<TlsReportOptions> options, IOptions<MailOptions> mail, TimeProvider time, ILogger<TlsReportSender> logger)
    {
        _collector = collector;
        _dns = dns;
        _queue = queue;
        _dkim = dkim;
        _options = options.Value;
        _hostName = mail.Value.HostName;
        _time = time;
        _logger = logger;
        SendNowPath = TlsReportControl.SendNowPath(mail.Value.FullDataPath);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (message, certificate, chain, _errors) =>
                    message is SslStream ssl && verifier.Verify(new OutboundTlsPolicy(TlsRequirement.Pkix, ssl.TargetHostName, [], "TLSRPT"), certificate, chain, out _),
            },
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(_options.UploadTimeoutSeconds) };
    }

    /// <summary>The file whose existence asks for the reports now; deleted when they are sent.</summary>
    public string SendNowPath { get; }

    /// <summary>Ends the current period now and sends its reports; returns how many reports were queued or uploaded.</summary>
    public async Task<int> SendNowAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            return await SendAsync(_collector.Take(_time.GetUtcNow()), cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_collector.Enabled)
        {
            return;
        }
        var lastSave = _time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken);
                var now = _time.GetUtcNow();
                if (File.Exists(SendNowPath))
                {
                    await SendNowAsync(stoppingToken);
                    File.Delete(SendNowPath);
                }
                else if (TlsReportCollector.StartOfDay(now) > _collector.PeriodStart)
                {
                    // The day is over: its report covers 00:00:00Z to 23:59:59Z (RFC 8460 §4.4 date-range).
                    await _sending.WaitAsync(stoppingToken);
                    try
                    {
                        await SendAsync(_collector.Take(TlsReportCollector.StartOfDay(now)), stoppingToken);
                    }
                    finally
                    {
                        _sending.Release();
                    }
                }
                if (now - lastSave >= TimeSpan.FromSeconds(_options.SaveIntervalSeconds))
                {
                    lastSave = now;
                    Save();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        Save();
    }

    public override void Dispose()
    {
        _http.Dispose();
        _sending.Dispose();
        base.Dispose();
    }

    private void Save()
    {
        try
        {
            _collector.Save();
        }
        catch (IOException ex)
        {
            TlsReportLog.SaveFailed(_logger, ex.Message);
        }
    }

    private async Task<int> SendAsync(TlsReportCollector.Period period, CancellationToken cancellationToken)
    {
        var sent = 0;
        var submitter = _options.Address[(_options.Address.LastIndexOf('@') + 1)..].ToLowerInvariant();
        var end = period.End == TlsReportCollector.StartOfDay(period.End) ? period.End.AddSeconds(-1) : period.End;
        foreach (var group in period.Policies.Values.GroupBy(p => p.Policy.Domain, StringComparer.Ordinal))
        {
            var txt = await _dns.ResolveTxtAsync("_smtp._tls." + group.Key, cancellationToken);
            var records = txt?.Select(TlsReportBuilder.ParseRecord).Where(r => r is not null).ToList();
            if (txt?.Count(t => t.StartsWith("v=TLSRPTv1", StringComparison.Ordinal)) != 1 || records is not [{ } rua])
            {
                // No record, several, or a broken one (RFC 8460 §3: exactly one): no report for this domain.
                continue;
            }
            var reportId = $"{period.Start.ToUnixTimeSeconds()}.{Guid.NewGuid():N}@{submitter}";
            var json = TlsReportBuilder.Json(_options.Organization.Length > 0 ? _options.Organization : submitter,
                _options.Contact.Length > 0 ? _options.Contact : _options.Address, reportId, period.Start, end, group);
            var gzip = TlsReportBuilder.Gzip(json);
            var fileName = TlsReportBuilder.FileName(submitter, group.Key, period.Start, end, reportId);
            foreach (var uri in rua)
            {
                if (await DeliverAsync(uri, submitter, group.Key, reportId, fileName, gzip, cancellationToken))
                {
                    sent++;
                }
            }
        }
        Save();
        return sent;
    }

    private async Task<bool> DeliverAsync(Uri uri, string submitter, string domain, string reportId, string fileName, byte[] gzip, CancellationToken cancellationToken)
    {
        if (uri.Scheme == Uri.UriSchemeMailto)
        {
            if (TlsReportBuilder.MailtoAddress(uri) is not { } to)
            {
                TlsReportLog.SendFailed(_logger, domain, uri, "not a mail address");
                return false;
            }
            try
            {
                var now = _time.GetUtcNow();
                using var message = TlsReportBuilder.Mail(_options.Address, to, submitter, domain, reportId, fileName, gzip, _hostName, now);
                _dkim.Resign(_options.Address, message);
                using var stream = new MemoryStream();
                await message.WriteToAsync(MimeKit.FormatOptions.Default, stream, cancellationToken);
                stream.Position = 0;
                var queued = await _queue.EnqueueAsync(_options.Address, [to], null, stream, now, cancellationToken);
                TlsReportLog.Queued(_logger, domain, to, queued.Id);
                return true;
            }
            catch (Exception ex) when (ex is IOException or MimeKit.ParseException)
            {
                // A full disk, or a reporting address that is not one: this report is lost, the service goes on.
                TlsReportLog.SendFailed(_logger, domain, uri, ex.Message);
                return false;
            }
        }
        try
        {
            using var content = new ByteArrayContent(gzip);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/tlsrpt+gzip");
            using var response = await _http.PostAsync(uri, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                TlsReportLog.SendFailed(_logger, domain, uri, $"HTTP {(int)response.StatusCode}");
                return false;
            }
            TlsReportLog.Uploaded(_logger, domain, uri);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            TlsReportLog.SendFailed(_logger, domain, uri, ex.Message);
            return false;
        }
    }

    /// <summary>Connects to the report host by the addresses <see cref="OutboundDns"/> finds (the configured resolver).</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _dns.ResolveAddressesAsync(host, cancellationToken);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw new HttpRequestException($"cannot connect to {host}", last);
    }
}

/// <summary>Log messages of TLS reporting (EventIds 6170-6179).</summary>
internal static partial class TlsReportLog
{
    [LoggerMessage(EventId = 6170, Level = LogLevel.Information, Message = "TLSRPT report for {Domain} to {To} queued as {Id}")]
    public static partial void Queued(ILogger logger, string domain, string to, string id);

    [LoggerMessage(EventId = 6171, Level = LogLevel.Information, Message = "TLSRPT report for {Domain} uploaded to {Uri}")]
    public static partial void Uploaded(ILogger logger, string domain, Uri uri);

    [LoggerMessage(EventId = 6172, Level = LogLevel.Warning, Message = "TLSRPT report for {Domain} not sent to {Uri}: {Error}")]
    public static partial void SendFailed(ILogger logger, string domain, Uri uri, string error);

    [LoggerMessage(EventId = 6173, Level = LogLevel.Warning, Message = "TLSRPT counters not saved: {Error}")]
    public static partial void SaveFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 6174, Level = LogLevel.Warning, Message = "TLSRPT counters not loaded from {Path}: {Error}")]
    public static partial void LoadFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 6175, Level = LogLevel.Debug, Message = "TLSRPT limit for {Domain}: {Reason}")]
    public static partial void Limit(ILogger logger, string domain, TlsReportRejectReason reason);
}

using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Block;
using Mail.Protocols.Hosting;
using Mail.Protocols.Smtp.Wire;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerEngine = SmtpServer.SmtpServer;

namespace Mail.Protocols.Smtp;

/// <summary>
/// The MX listener (endpoint <c>SmtpIn</c>, RFC 5321) on the SmtpServer package.
/// </summary>
/// <remarks>
/// What SmtpServer 11.1.0 does and what we add on top, and why:
/// <list type="bullet">
/// <item>It reads DATA up to CRLF.CRLF searching only inside the data, so an empty message hangs and
/// a dot-stuffed first line is not unstuffed; it hands the data over without its last CRLF; it has
/// no line limit and no DATA timeout; a bare LF never ends DATA (good) but is not refused either.
/// <see cref="SmtpWireGuard"/> streams DATA through <see cref="Wire.SmtpDataScanner"/> and feeds
/// SmtpServer a CRLF in front; <see cref="SmtpInMessageStore"/> restores the last CRLF.</item>
/// <item>Its only command line limit is the message size; the guard enforces <see cref="SmtpInOptions.MaxCommandLineOctets"/>.</item>
/// <item>Its replies have no enhanced status codes, its bad-sequence reply is <c>501</c>, and errors get a
/// "retries remaining" suffix: <see cref="SmtpReplyRewriter"/> normalizes them.</item>
/// <item>Its default authenticator accepts any AUTH after STARTTLS and it honours PROXY from anyone:
/// the guard answers both with <c>502</c> before SmtpServer sees them.</item>
/// <item>It cannot report a port-0 bind, so the listening socket is bound here and handed to it.</item>
/// </list>
/// </remarks>
internal sealed class SmtpInListener : BackgroundService
{
    private readonly MailEndpoints _endpoints;
    private readonly MailOptions _mail;
    private readonly SmtpInOptions _options;
    private readonly IMailStore _store;
    private readonly MessageScanPipeline _filters;
    private readonly RecipientStage _recipients;
    private readonly BlockStage _block;
    private readonly IVerdictStore _verdicts;
    private readonly (Filtering.Quarantine.QuarantinePolicy Policy, Filtering.Quarantine.IQuarantineStore Store) _quarantine;
    private readonly FilterOptions _filterOptions;
    private readonly TlsCertificateProvider _certificates;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private Socket? _socket;
    private SmtpServerEngine? _server;
    private readonly Forwarding.MailForwarder _forwarder;
    private readonly SmtpInDrain _drain;

    public SmtpInListener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<SmtpInOptions> options,
        IMailStore store,
        MessageScanPipeline filters,
        RecipientStage recipients,
        BlockStage block,
        IVerdictStore verdicts,
        Filtering.Quarantine.QuarantinePolicy quarantinePolicy,
        Filtering.Quarantine.IQuarantineStore quarantine,
        IOptions<FilterOptions> filterOptions,
        TlsCertificateProvider certificates,
        TimeProvider time,
        ILoggerFactory loggers,
        Forwarding.MailForwarder forwarder,
        SmtpInDrain drain)
    {
        _drain = drain;
        _forwarder = forwarder;
        _endpoints = endpoints;
        _mail = mail.Value;
        _options = options.Value;
        _store = store;
        _filters = filters;
        _recipients = recipients;
        _block = block;
        _verdicts = verdicts;
        _quarantine = (quarantinePolicy, quarantine);
        _filterOptions = filterOptions.Value;
        _certificates = certificates;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Mail.Protocols.Smtp.SmtpIn");
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = _endpoints.Configured(MailEndpoints.SmtpIn);
        var socket = ListeningSocket.Open(configured);
        _socket = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(MailEndpoints.SmtpIn, bound);
        SmtpInLog.Listening(_logger, bound);

        var host = _mail.HostName;
        var guardLogger = _loggers.CreateLogger("Mail.Protocols.Smtp.SmtpIn.Wire");
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(host)
            .CustomSmtpGreeting(_ => $"220 {host} ESMTP")
            // Ignore: SmtpServer would otherwise count pipelined input against the size and quit; the guard enforces it.
            .MaxMessageSize(_options.MaxMessageOctets, MaxMessageSizeHandling.Ignore)
            .MaxRetryCount(_options.MaxErrors)
            .CommandWaitTimeout(TimeSpan.FromSeconds(_options.SessionTimeoutSeconds))
            .Endpoint(b => b
                .Endpoint(bound)
                .SessionTimeout(TimeSpan.FromSeconds(_options.SessionTimeoutSeconds))
                .Certificate(new CertificateFactory(_certificates))
                .SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new SmtpInEndpointListenerFactory(socket, accepted =>
        {
            var connection = new SmtpInConnection((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!);
            SmtpInLog.Connected(guardLogger, connection.Remote);
            return new SmtpWireGuard(accepted, connection, _options, host, _time, guardLogger);
        }, accepted => AdmitAsync(accepted, host)));
        services.Add((ISmtpCommandFactory)new SmtpInCommandFactory());
        services.Add((IMailboxFilter)new SmtpInMailboxFilter(_forwarder, _block, _options, _logger));
        services.Add((IMessageStore)new SmtpInMessageStore(_store, _forwarder, _filters, _recipients, _verdicts, _quarantine, _filterOptions, _options, host, _time, _logger));
        _server = new SmtpServerEngine(serverOptions, services);
        _server.SessionFaulted += (_, e) => SmtpInLog.SessionFaulted(_logger, e.Exception);
        _server.SessionCreated += (_, e) => _drain.SessionStarted(e.Context);
        _server.SessionCompleted += (_, e) => _drain.SessionEnded(e.Context);
        _server.SessionFaulted += (_, e) => _drain.SessionEnded(e.Context);
        _server.SessionCancelled += (_, e) => _drain.SessionEnded(e.Context);
        RefreshDrain();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Drain (<see cref="SmtpInDrain"/>): <c>421 4.3.2</c>; the connection rate limit: over it, <c>421 4.7.0</c>;
    /// either way the connection is closed before the greeting.
    /// </summary>
    private async Task<bool> AdmitAsync(Socket accepted, string host)
    {
        var remote = (IPEndPoint)accepted.RemoteEndPoint!;
        string refusal;
        if (_drain.Draining)
        {
            SmtpInLog.RefusedDraining(_logger, remote);
            refusal = SmtpInReplies.Wire.ShuttingDown(host);
        }
        else if (_block.CheckConnection(remote.Address) is { } hit)
        {
            SmtpInLog.Blocked(_logger, remote, hit.Check, hit.Action);
            refusal = SmtpInReplies.Wire.TooManyConnections(host, hit.Detail);
        }
        else
        {
            return true;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await accepted.SendAsync(System.Text.Encoding.ASCII.GetBytes(refusal), SocketFlags.None, timeout.Token);
            accepted.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The client is gone; nothing to tell it.
        }
        finally
        {
            accepted.Dispose();
        }
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = WatchDrainAsync(stoppingToken);
        try
        {
            await _server!.StartAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        await watch;
    }

    /// <summary>Looks at the drain flag every <see cref="SmtpInOptions.DrainPollMilliseconds"/> until the host stops.</summary>
    private async Task WatchDrainAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, _options.DrainPollMilliseconds)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RefreshDrain();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        try
        {
            _drain.Clear(_mail.FullDataPath);
        }
        catch (IOException ex)
        {
            SmtpInLog.DrainFileFailed(_logger, ex);
        }
    }

    private void RefreshDrain()
    {
        var was = _drain.Draining;
        try
        {
            _drain.Refresh(_mail.FullDataPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SmtpInLog.DrainFileFailed(_logger, ex);
        }
        if (was != _drain.Draining)
        {
            SmtpInLog.DrainChanged(_logger, _drain.Status);
        }
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    private sealed class CertificateFactory : ICertificateFactory
    {
        private readonly TlsCertificateProvider _provider;

        public CertificateFactory(TlsCertificateProvider provider) => _provider = provider;

        public System.Security.Cryptography.X509Certificates.X509Certificate GetServerCertificate(ISessionContext sessionContext) => _provider.Certificate;
    }
}

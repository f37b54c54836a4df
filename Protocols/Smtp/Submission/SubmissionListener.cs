using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Authentication;
using Mail.Protocols.Filtering;
using Mail.Protocols.Hosting;
using Mail.Protocols.Smtp.Outbound;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Protocols.Smtp.Wire;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerEngine = SmtpServer.SmtpServer;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// The message submission listeners (RFC 6409) on the SmtpServer package, behind the same byte-level
/// <see cref="SmtpWireGuard"/> as SMTP-in (line and size limits, bare CR/LF refusal, DATA end handling,
/// timeouts, STARTTLS injection defence, reply normalization): endpoint <c>Submission</c> with STARTTLS and
/// endpoint <c>SubmissionTls</c> with implicit TLS (RFC 8314 §3.3). AUTH and the "TLS before AUTH before
/// MAIL" order are the guard hook's (<see cref="SubmissionCommandHook"/>), sender ownership is
/// <see cref="SubmissionMailboxFilter"/>'s, queueing is <see cref="SubmissionMessageStore"/>'s.
/// </summary>
internal sealed class SubmissionListener : BackgroundService
{
    private readonly MailEndpoints _endpoints;
    private readonly MailOptions _mail;
    private readonly SubmissionOptions _options;
    private readonly IMailDirectory _directory;
    private readonly OutboundQueueStore _queue;
    private readonly DkimMessageSigner _dkim;
    private readonly MessageScanPipeline _filters;
    private readonly TlsCertificateProvider _certificates;
    private readonly SaslAuthenticator _authenticator;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SubmissionRateLimiter _limits;
    private readonly List<Socket> _sockets = [];
    private readonly List<SmtpServerEngine> _servers = [];

    public SubmissionListener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<SubmissionOptions> options,
        IMailDirectory directory,
        OutboundQueueStore queue,
        DkimMessageSigner dkim,
        MessageScanPipeline filters,
        TlsCertificateProvider certificates,
        SaslAuthenticator authenticator,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _authenticator = authenticator;
        _endpoints = endpoints;
        _mail = mail.Value;
        _options = options.Value;
        _directory = directory;
        _queue = queue;
        _dkim = dkim;
        _filters = filters;
        _certificates = certificates;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Mail.Protocols.Smtp.Submission");
        _limits = new SubmissionRateLimiter(_options, time);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _servers.Add(CreateServer(MailEndpoints.Submission, implicitTls: false));
        _servers.Add(CreateServer(MailEndpoints.SubmissionTls, implicitTls: true));
        return base.StartAsync(cancellationToken);
    }

    private SmtpServerEngine CreateServer(string name, bool implicitTls)
    {
        var configured = _endpoints.Configured(name);
        var socket = ListeningSocket.Open(configured);
        _sockets.Add(socket);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(name, bound);
        SubmissionLog.Listening(_logger, bound, name);

        var host = _mail.HostName;
        var wire = _options.ToWireOptions();
        var guardLogger = _loggers.CreateLogger("Mail.Protocols.Smtp.Submission.Wire");
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(host)
            .CustomSmtpGreeting(_ => $"220 {host} ESMTP")
            .MaxMessageSize(_options.MaxMessageOctets, MaxMessageSizeHandling.Ignore)
            .MaxRetryCount(_options.MaxErrors)
            .CommandWaitTimeout(TimeSpan.FromSeconds(_options.SessionTimeoutSeconds));
        builder.Endpoint(b =>
        {
            b.Endpoint(bound)
                .SessionTimeout(TimeSpan.FromSeconds(_options.SessionTimeoutSeconds))
                .SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (!implicitTls)
            {
                // Only the STARTTLS port needs SmtpServer to know the certificate; implicit TLS is the guard's.
                b.Certificate(new CertificateFactory(_certificates));
            }
        });
        var binding = new TlsChannelBinding(_certificates.Certificate);
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new SmtpInEndpointListenerFactory(socket, accepted =>
        {
            var connection = new SmtpInConnection((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!);
            var hook = new SubmissionCommandHook(_authenticator, binding, _options, _logger);
            return new SmtpWireGuard(accepted, connection, wire, host, _time, guardLogger, hook, implicitTls ? _certificates.Certificate : null);
        }));
        services.Add((ISmtpCommandFactory)new SubmissionCommandFactory(_authenticator, binding));
        services.Add((IMailboxFilter)new SubmissionMailboxFilter(_directory, _options, _limits, _logger));
        services.Add((IMessageStore)new SubmissionMessageStore(_directory, _queue, _dkim, _filters, _limits, _options, host, _time, _logger));
        var server = new SmtpServerEngine(builder.Build(), services);
        server.SessionFaulted += (_, e) => SubmissionLog.SessionFaulted(_logger, e.Exception);
        return server;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(_servers.Select(s => s.StartAsync(stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    public override void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        base.Dispose();
    }

    private sealed class CertificateFactory(TlsCertificateProvider provider) : ICertificateFactory
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate GetServerCertificate(ISessionContext sessionContext) => provider.Certificate;
    }
}

using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Hosting;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Lmtp;

/// <summary>The LMTP listener (endpoint <c>Lmtp</c>, RFC 2033): one <see cref="LmtpSession"/> per connection.</summary>
internal sealed class LmtpListener : TcpSessionListener
{
    private readonly LmtpServices _services;

    public LmtpListener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<LmtpOptions> options,
        IMailDirectory directory,
        IMailStore store,
        MailForwarder forwarder,
        TimeProvider time,
        ILogger<LmtpListener> logger)
        : base(endpoints, MailEndpoints.Lmtp)
    {
        _services = new LmtpServices(options.Value, new LmtpTrustedNetworks(options.Value.TrustedNetworks), directory, store, forwarder, time, mail.Value.HostName, logger);
    }

    protected override void OnListening(IPEndPoint bound) => LmtpLog.Listening(_services.Logger, bound);

    protected override void OnAcceptFailed(SocketException exception) => LmtpLog.AcceptFailed(_services.Logger, exception);

    protected override Task RunSessionAsync(Socket connection, CancellationToken stoppingToken) =>
        new LmtpSession(connection, _services).RunAsync(stoppingToken);
}

/// <summary>What every LMTP session needs from the host.</summary>
internal sealed record LmtpServices(
    LmtpOptions Options,
    LmtpTrustedNetworks TrustedNetworks,
    IMailDirectory Directory,
    IMailStore Store,
    MailForwarder Forwarder,
    TimeProvider Time,
    string HostName,
    ILogger Logger);

using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Authentication;
using Mail.Protocols.Hosting;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Pop3;

/// <summary>
/// A POP3 listener: endpoint <c>Pop3</c> (plaintext with STLS, port 110) or <c>Pop3Tls</c> (implicit TLS,
/// RFC 8314 §3.3, port 995); one <see cref="Pop3Session"/> per connection. Both share the maildrop locks.
/// </summary>
internal sealed class Pop3Listener : TcpSessionListener
{
    private readonly Pop3Services _services;

    public Pop3Listener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<Pop3Options> options,
        IMailDirectory directory,
        IMailStore store,
        TlsCertificateProvider certificates,
        SaslAuthenticator authenticator,
        Pop3MaildropLocks locks,
        TimeProvider time,
        ILogger<Pop3Listener> logger,
        string endpointName,
        bool implicitTls)
        : base(endpoints, endpointName)
    {
        _services = new Pop3Services(options.Value, directory, store, certificates, authenticator, time, mail.Value.HostName, logger, implicitTls) { Locks = locks };
    }

    protected override void OnListening(IPEndPoint bound) => Pop3Log.Listening(_services.Logger, bound);

    protected override void OnAcceptFailed(SocketException exception) => Pop3Log.AcceptFailed(_services.Logger, exception);

    protected override Task RunSessionAsync(Socket connection, CancellationToken stoppingToken) =>
        new Pop3Session(connection, _services).RunAsync(stoppingToken);
}

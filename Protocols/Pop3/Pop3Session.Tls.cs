using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mail.Protocols.Authentication;

namespace Mail.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    /// <summary>Longest TLS handshake (STLS or implicit TLS) before the connection is dropped.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// STLS (RFC 2595 §4) after <c>+OK</c> was sent: drops whatever the client pipelined after the
    /// command (it must not be read as if it came through TLS), then runs the TLS handshake.
    /// </summary>
    public async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        await _reader!.CompleteAsync();
        await HandshakeAsync(cancellationToken);
        _reader = NewReader();
        PendingUser = null;
    }

    /// <summary>Runs the server TLS handshake on the connection, takes its channel bindings for SCRAM-SHA-256-PLUS and switches to the encrypted stream.</summary>
    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var certificate = Certificates.Certificate;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, timeout.Token);
        // Before any reader exists: nothing else touches the SSL object while the exporter is taken.
        _channelBinding = TlsChannelBinding.Of(ssl, certificate);
        _stream = ssl;
    }
}

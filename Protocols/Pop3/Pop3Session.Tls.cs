using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mail.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    /// <summary>
    /// STLS (RFC 2595 §4) after <c>+OK</c> was sent: drops whatever the client pipelined after the
    /// command (it must not be read as if it came through TLS), then runs the TLS handshake.
    /// </summary>
    public async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        await _reader!.CompleteAsync();
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = Certificates.Certificate,
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, cancellationToken);
        _stream = ssl;
        _reader = NewReader();
        PendingUser = null;
    }
}

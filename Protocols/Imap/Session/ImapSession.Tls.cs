using System.IO.Pipelines;
using System.Net.Security;
using Mail.Protocols.Authentication;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>
    /// Switches the connection to TLS after the tagged OK of STARTTLS (RFC 9051 §6.2.1): an
    /// <see cref="SslStream"/> over the socket stream with the certificate of
    /// <see cref="Mail.Protocols.Hosting.TlsCertificateProvider"/>, then fresh pipes over it. Bytes the client sent
    /// after STARTTLS in plaintext are an injection attempt: the connection is closed.
    /// </summary>
    /// <returns>False when the handshake failed or plaintext followed STARTTLS (connection ends).</returns>
    private async ValueTask<bool> StartTlsAsync(CancellationToken cancellationToken)
    {
        if (_reader.TryRead(out var pending))
        {
            var injected = pending.Buffer.Length > 0;
            _reader.AdvanceTo(pending.Buffer.Start);
            if (injected)
            {
                return false;
            }
        }
        return await HandshakeAsync(cancellationToken);
    }

    /// <summary>
    /// Runs the server TLS handshake (at most 30 s), takes the connection's channel bindings for SCRAM-SHA-256-PLUS
    /// (<see cref="TlsChannelBinding.Of"/>) and switches the pipes to the encrypted stream: after STARTTLS, or before
    /// the greeting on the implicit-TLS endpoint (RFC 8314 §3.3).
    /// </summary>
    /// <returns>False when the handshake failed (connection ends).</returns>
    private async ValueTask<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        var ssl = new SslStream(_networkStream, leaveInnerStreamOpen: true);
        var certificate = Server.Certificates.Certificate;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = certificate, ClientCertificateRequired = false },
                timeout.Token);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
        {
            ImapLog.TlsFailed(Logger, Id, ex);
            await ssl.DisposeAsync();
            return false;
        }
        // Before the pipes exist: nothing else touches the SSL object while the exporter is taken.
        _channelBinding = TlsChannelBinding.Of(ssl, certificate);
        _stream = ssl;
        _reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(ssl, new StreamPipeWriterOptions(leaveOpen: true));
        Out.Reset(_writer);
        IsTls = true;
        return true;
    }
}

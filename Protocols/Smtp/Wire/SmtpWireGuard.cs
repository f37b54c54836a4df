using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmtpServer.IO;

namespace Mail.Protocols.Smtp.Wire;

/// <summary>
/// The duplex pipe SmtpServer talks through on SMTP-in: it sits between the socket and SmtpServer
/// and enforces at the byte level what SmtpServer 11.1.0 does not (see <c>docs</c> in
/// <see cref="SmtpInListener"/>): command line and DATA line limits, bare CR/LF refusal and the
/// message size limit while streaming, "only CRLF.CRLF ends DATA" including an empty message,
/// idle timeouts on the injected clock, discarding input pipelined after STARTTLS (RFC 3207 §6),
/// and reply normalization (<see cref="SmtpReplyRewriter"/>).
/// </summary>
/// <remarks>
/// Commands are handed to SmtpServer one at a time: the guard forwards one command line, waits for
/// its final reply, then forwards the next. Clients still pipeline (RFC 2920): their commands wait
/// in the guard's buffer and the replies go back in order. Because SmtpServer is idle whenever the
/// guard reads, the guard can answer some lines itself (<c>500</c> over-long line, <c>502</c> AUTH)
/// without reordering replies.
/// </remarks>
internal sealed partial class SmtpWireGuard : ISecurableDuplexPipe
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    private readonly Socket _socket;
    private readonly SmtpInOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _host;
    private readonly ISmtpCommandHook? _hook;
    private readonly X509Certificate? _implicitTls;
    // Toward SmtpServer: never pauses, because SmtpServer examines the whole DATA without consuming
    // it until CRLF.CRLF; memory is bounded by the guard's own limits instead.
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromServer = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Channel<int> _replies = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _startTlsReplySent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _upgraded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Stream _stream;
    private volatile SmtpInCommandKind _command = SmtpInCommandKind.Greeting;
    private volatile bool _closingReplySent;
    private Task _inputPump = Task.CompletedTask;
    private Task _outputPump = Task.CompletedTask;
    private int _disposed;

    /// <param name="hook">Sees every command line before SmtpServer and may answer it (Submission's AUTH and policy); null on the MX.</param>
    /// <param name="implicitTls">Certificate for implicit TLS (RFC 8314 §3.3, port 465): the handshake runs before the greeting; null for plain TCP.</param>
    public SmtpWireGuard(Socket socket, SmtpInConnection connection, SmtpInOptions options, string host, TimeProvider time, ILogger logger, ISmtpCommandHook? hook = null, X509Certificate? implicitTls = null)
    {
        _hook = hook;
        _implicitTls = implicitTls;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Connection = connection;
        _options = options;
        _host = host;
        _time = time;
        _logger = logger;
    }

    /// <summary>State shared with the mailbox filter and the message store.</summary>
    public SmtpInConnection Connection { get; }

    /// <inheritdoc />
    public PipeReader Input => _toServer.Reader;

    /// <inheritdoc />
    public PipeWriter Output => _fromServer.Writer;

    /// <inheritdoc />
    public bool IsSecure => _stream is SslStream;

    /// <inheritdoc />
    public SslProtocols SslProtocol => (_stream as SslStream)?.SslProtocol ?? SslProtocols.None;

    /// <summary>Starts moving octets between the socket and SmtpServer.</summary>
    public void Start()
    {
        if (_implicitTls is null)
        {
            _outputPump = Task.Run(RunOutputAsync);
            _inputPump = Task.Run(RunInputAsync);
            return;
        }
        // The greeting waits in the pipe from SmtpServer until the handshake is done.
        _outputPump = Task.Run(async () =>
        {
            if (await HandshakeImplicitTlsAsync().ConfigureAwait(false))
            {
                _inputPump = Task.Run(RunInputAsync);
                await RunOutputAsync().ConfigureAwait(false);
            }
        });
    }

    private async Task<bool> HandshakeImplicitTlsAsync()
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.IdleTimeoutSeconds), _time);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _implicitTls,
                ClientCertificateRequired = false,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            SmtpInLog.ConnectionError(_logger, Connection.Remote, ex.Message);
            await ssl.DisposeAsync().ConfigureAwait(false);
            _closingReplySent = true;
            await ShutdownAsync().ConfigureAwait(false);
            return false;
        }
        TakeChannelBinding(ssl);
        _stream = ssl;
        Connection.Secure = true;
        return true;
    }

    /// <summary>STARTTLS (RFC 3207): called by SmtpServer after it wrote <c>220</c>.</summary>
    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        try
        {
            // The 220 must be on the wire, in clear text, before the handshake starts.
            await _startTlsReplySent.Task.WaitAsync(cancellationToken);
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = false,
                    EnabledSslProtocols = protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, cancellationToken);
            }
            catch
            {
                await ssl.DisposeAsync();
                throw;
            }
            TakeChannelBinding(ssl);
            _stream = ssl;
            Connection.Secure = true;
            _upgraded.TrySetResult(true);
        }
        catch (Exception ex)
        {
            _upgraded.TrySetException(ex);
            throw;
        }
    }

    /// <summary>
    /// On Submission (a hook is present), takes the tls-exporter binding for SCRAM-SHA-256-PLUS; called before the
    /// pumps see the <see cref="SslStream"/>, so nothing else uses its SSL object meanwhile. The MX has no AUTH and skips it.
    /// </summary>
    private void TakeChannelBinding(SslStream ssl)
    {
        if (_hook is not null)
        {
            Connection.TlsExporter = Mail.Protocols.Authentication.TlsExporter.ChannelBinding(ssl);
        }
    }

    /// <summary>Called by SmtpServer when the session ends: flushes the last replies and closes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _fromServer.Writer.Complete();
        _ = CloseAsync();
    }

    private async Task CloseAsync()
    {
        try
        {
            await _outputPump.WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
            if (!_closingReplySent && !_closing.IsCancellationRequested)
            {
                // SmtpServer ends a session silently after MaxErrors consecutive failed commands.
                await WriteToClientAsync(SmtpInReplies.Wire.TooManyErrors(_host), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException or OperationCanceledException or AuthenticationException)
        {
            SmtpInLog.ConnectionError(_logger, Connection.Remote, ex.Message);
        }
        finally
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    private async Task ShutdownAsync()
    {
        if (!_closing.IsCancellationRequested)
        {
            await _closing.CancelAsync().ConfigureAwait(false);
        }
        _toServer.Writer.Complete();
        _replies.Writer.TryComplete();
        _upgraded.TrySetResult(false);
        _startTlsReplySent.TrySetResult();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // The peer is gone; nothing left to close cleanly.
        }
        _socket.Dispose();
    }

    private async Task WriteToClientAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Utf8.GetBytes(text);
        await WriteToClientAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteToClientAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}

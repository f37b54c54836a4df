using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Mail.Protocols.Smtp.Outbound.Client;

/// <summary>ESMTP extensions of the next hop, from its EHLO reply (RFC 5321 §4.1.1.1).</summary>
[Flags]
internal enum SmtpServerExtensions
{
    None = 0,
    /// <summary>RFC 2920: MAIL and RCPT commands sent in one batch.</summary>
    Pipelining = 1 << 0,
    /// <summary>RFC 3030: BDAT.</summary>
    Chunking = 1 << 1,
    /// <summary>RFC 6531: UTF-8 addresses and headers.</summary>
    SmtpUtf8 = 1 << 2,
    /// <summary>RFC 6152: <c>BODY=8BITMIME</c>.</summary>
    EightBitMime = 1 << 3,
    /// <summary>RFC 3461: NOTIFY, ORCPT, RET, ENVID.</summary>
    Dsn = 1 << 4,
    /// <summary>RFC 8689: <c>REQUIRETLS</c> on MAIL.</summary>
    RequireTls = 1 << 5,
    /// <summary>RFC 3207.</summary>
    StartTls = 1 << 6,
    /// <summary>RFC 1870: <c>SIZE=</c> on MAIL.</summary>
    Size = 1 << 7,
    /// <summary>RFC 4954.</summary>
    Auth = 1 << 8,
}

/// <summary>How much TLS a session needs.</summary>
internal enum SmtpTlsMode
{
    /// <summary>STARTTLS when offered (RFC 7435 opportunistic); a refused STARTTLS leaves the session in clear text.</summary>
    WhenAvailable,
    /// <summary>STARTTLS must be offered and succeed, else <see cref="SmtpClientTlsException"/>.</summary>
    Required,
}

/// <summary>
/// Our SMTP client for delivery to a next hop (RFC 5321), on <see cref="System.IO.Pipelines"/> with byte-level reply
/// parsing (<see cref="SmtpReplyParser"/>): greeting, EHLO (HELO when refused), STARTTLS (RFC 3207) with the caller's
/// certificate check, AUTH through MailKit's SASL mechanisms (smarthost), and transactions with PIPELINING, CHUNKING,
/// SMTPUTF8, 8BITMIME, SIZE, DSN (all four parameters, ORCPT as given: RFC 3461 §5.2.1) and REQUIRETLS, with a result
/// per recipient (<see cref="SendAsync"/>). Every read and write is bounded by the command timeout; a timeout or a bad
/// reply throws <see cref="SmtpClientProtocolException"/> and the session is then unusable.
/// </summary>
internal sealed partial class SmtpDeliveryClient : IAsyncDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, leaveOpen: true);

    /// <summary>SASL mechanisms for the smarthost, strongest first (MailKit implements them).</summary>
    private static readonly string[] SaslPreference = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"];

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly string _host;
    private readonly string _helo;
    private readonly TimeSpan _timeout;
    private Stream _stream;
    private PipeReader _reader;
    private SslStream? _ssl;
    private bool _broken;

    private SmtpDeliveryClient(Socket socket, string host, string helo, TimeSpan timeout)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _reader = PipeReader.Create(_stream, ReaderOptions);
        _host = host;
        _helo = helo;
        _timeout = timeout;
    }

    /// <summary>Extensions of the current EHLO reply (after STARTTLS: the second one).</summary>
    public SmtpServerExtensions Extensions { get; private set; }

    /// <summary>SASL mechanisms the server offers (upper case).</summary>
    public IReadOnlyList<string> AuthMechanisms { get; private set; } = [];

    /// <summary>True after a successful STARTTLS.</summary>
    public bool IsSecure => _ssl is not null;

    /// <summary>True while the session is usable (no protocol error, no 421, socket open).</summary>
    public bool IsConnected => !_broken && _socket.Connected;

    /// <summary>True after a transaction that ended cleanly (ready for the next MAIL); set by the caller.</summary>
    public bool Reusable { get; set; }

    /// <summary>True when the session is TLS with a certificate verified under a policy (may carry REQUIRETLS mail); set by the caller.</summary>
    public bool Verified { get; set; }

    /// <summary>
    /// Starts a session on a connected <paramref name="socket"/> (owned from now on): greeting, EHLO, STARTTLS per
    /// <paramref name="tls"/> with <paramref name="validate"/> checking the certificate of <paramref name="host"/>, EHLO again.
    /// </summary>
    /// <exception cref="SmtpClientCommandException">Greeting not 220, or EHLO and HELO refused.</exception>
    /// <exception cref="SmtpClientTlsException">TLS required and not had.</exception>
    /// <exception cref="SmtpClientProtocolException">Timeout, closed connection or bad reply.</exception>
    public static async Task<SmtpDeliveryClient> ConnectAsync(Socket socket, string host, string helo, SmtpTlsMode tls,
        RemoteCertificateValidationCallback validate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var client = new SmtpDeliveryClient(socket, host, helo, timeout);
        try
        {
            var greeting = await client.ReadReplyAsync(cancellationToken);
            if (greeting.Code != 220)
            {
                throw new SmtpClientCommandException("greeting", greeting);
            }
            await client.HelloAsync(cancellationToken);
            if (client.Extensions.HasFlag(SmtpServerExtensions.StartTls))
            {
                await client.StartTlsAsync(tls, validate, cancellationToken);
            }
            else if (tls == SmtpTlsMode.Required)
            {
                throw new SmtpClientTlsException(true, "STARTTLS not offered");
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("EHLO " + _helo, cancellationToken);
        if (reply.IsSuccess)
        {
            ParseExtensions(reply);
            return;
        }
        reply = await CommandAsync("HELO " + _helo, cancellationToken);
        if (!reply.IsSuccess)
        {
            throw new SmtpClientCommandException("HELO", reply);
        }
        Extensions = SmtpServerExtensions.None;
        AuthMechanisms = [];
    }

    private void ParseExtensions(SmtpReply reply)
    {
        var extensions = SmtpServerExtensions.None;
        var mechanisms = new List<string>();
        foreach (var line in reply.Lines.Skip(1))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }
            extensions |= words[0].ToUpperInvariant() switch
            {
                "PIPELINING" => SmtpServerExtensions.Pipelining,
                "CHUNKING" => SmtpServerExtensions.Chunking,
                "SMTPUTF8" => SmtpServerExtensions.SmtpUtf8,
                "8BITMIME" => SmtpServerExtensions.EightBitMime,
                "DSN" => SmtpServerExtensions.Dsn,
                "REQUIRETLS" => SmtpServerExtensions.RequireTls,
                "STARTTLS" => SmtpServerExtensions.StartTls,
                "SIZE" => SmtpServerExtensions.Size,
                "AUTH" => SmtpServerExtensions.Auth,
                _ => SmtpServerExtensions.None,
            };
            if (words[0].Equals("AUTH", StringComparison.OrdinalIgnoreCase))
            {
                mechanisms.AddRange(words.Skip(1).Select(w => w.ToUpperInvariant()));
            }
        }
        Extensions = extensions;
        AuthMechanisms = mechanisms;
    }

    private async Task StartTlsAsync(SmtpTlsMode tls, RemoteCertificateValidationCallback validate, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("STARTTLS", cancellationToken);
        if (reply.Code != 220)
        {
            if (tls == SmtpTlsMode.Required)
            {
                throw new SmtpClientTlsException(true, "STARTTLS refused: " + reply);
            }
            return;
        }
        // Nothing may follow the 220 before the handshake: such octets would be read as if they came over TLS.
        if (_reader.TryRead(out var pending) && !pending.IsCanceled)
        {
            var leftover = pending.Buffer.Length;
            _reader.AdvanceTo(pending.Buffer.Start);
            if (leftover > 0)
            {
                Break();
                throw new SmtpClientProtocolException(SmtpClientRejectReason.DataAfterStartTls, "octets after the 220 reply to STARTTLS");
            }
        }
        await _reader.CompleteAsync();
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true, validate);
        using (var timeout = Timeout(cancellationToken))
        {
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _host.Trim('[', ']'),
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                }, timeout.Token);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                await ssl.DisposeAsync();
                Break();
                throw new SmtpClientTlsException(false, "TLS handshake failed: " + ex.Message, ex);
            }
        }
        _ssl = ssl;
        _stream = ssl;
        _reader = PipeReader.Create(_stream, ReaderOptions);
        await HelloAsync(cancellationToken);
    }

    /// <summary>
    /// AUTH (RFC 4954) with the strongest offered mechanism MailKit implements: SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN.
    /// </summary>
    /// <exception cref="SmtpClientCommandException">No common mechanism, or the server refused the credentials.</exception>
    public async Task AuthenticateAsync(System.Net.NetworkCredential credential, CancellationToken cancellationToken)
    {
        var name = SaslPreference.FirstOrDefault(m => AuthMechanisms.Contains(m, StringComparer.Ordinal))
            ?? throw new SmtpClientCommandException("AUTH", new SmtpReply(504, ["5.5.4 no common authentication mechanism"]));
        var mechanism = MailKit.Security.SaslMechanism.Create(name, credential)
            ?? throw new SmtpClientCommandException("AUTH", new SmtpReply(504, ["5.5.4 " + name + " not available"]));
        var command = "AUTH " + name;
        if (mechanism.SupportsInitialResponse)
        {
            var initial = await mechanism.ChallengeAsync((string?)null, cancellationToken);
            command += " " + (string.IsNullOrEmpty(initial) ? "=" : initial);
        }
        var reply = await CommandAsync(command, cancellationToken);
        while (reply.Code == 334)
        {
            var response = await mechanism.ChallengeAsync(reply.Text.Trim(), cancellationToken);
            reply = await CommandAsync(response, cancellationToken);
        }
        if (reply.Code != 235)
        {
            throw new SmtpClientCommandException("AUTH " + name, reply);
        }
    }

    /// <summary>QUIT, best effort (RFC 5321 §4.1.1.10), then closes.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (IsConnected)
        {
            try
            {
                await CommandAsync("QUIT", cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closing anyway.
            }
        }
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        await _reader.CompleteAsync();
        if (_ssl is not null)
        {
            await _ssl.DisposeAsync();
        }
        await _network.DisposeAsync();
    }

    private void Break() => _broken = true;

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_timeout);
        return source;
    }

    /// <summary>Sends one command line (CRLF added) and reads its reply. Lines are never logged (AUTH carries secrets).</summary>
    private async Task<SmtpReply> CommandAsync(string line, CancellationToken cancellationToken)
    {
        await WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="bytes"/> and flushes.</summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, timeout.Token);
            await _stream.FlushAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Break();
            throw new SmtpClientProtocolException("write to " + _host + " failed: " + ex.Message, ex);
        }
    }

    /// <summary>Reads the next reply; a 421 marks the session closed (RFC 5321 §3.8).</summary>
    private async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Break();
                throw new SmtpClientProtocolException("read from " + _host + " failed: " + (ex is OperationCanceledException ? "timeout" : ex.Message), ex);
            }
            var buffer = result.Buffer;
            if (SmtpReplyParser.TryParse(ref buffer, out var reply, out var rejection))
            {
                _reader.AdvanceTo(buffer.Start);
                if (reply!.Code == 421)
                {
                    Break();
                }
                return reply;
            }
            if (rejection != SmtpClientRejectReason.None)
            {
                Break();
                throw new SmtpClientProtocolException(rejection, $"bad reply from {_host}: {rejection}");
            }
            if (result.IsCompleted)
            {
                Break();
                throw new SmtpClientProtocolException(SmtpClientRejectReason.ConnectionClosed, _host + " closed the connection");
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

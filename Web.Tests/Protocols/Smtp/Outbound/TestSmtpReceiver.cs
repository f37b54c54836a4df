using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// A small ESMTP receiver on 127.0.0.1:0 for the extensions smtp-sink lacks: STARTTLS with a given certificate
/// (sent with its intermediate), and any of CHUNKING (BDAT, RFC 3030), REQUIRETLS, 8BITMIME, SMTPUTF8, DSN in the
/// EHLO reply. It accepts every transaction and records the command lines, whether TLS was on, and the message octets.
/// </summary>
internal sealed class TestSmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SslStreamCertificateContext? _certificate;
    private readonly string[] _extensions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TestSmtpReceiver(X509Certificate2? certificate, X509Certificate2? intermediate, params string[] extensions)
    {
        _certificate = certificate is null ? null : SslStreamCertificateContext.Create(certificate, intermediate is null ? null : [intermediate], offline: true);
        _extensions = extensions;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command line received, in order (all sessions).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Completed transactions: MAIL line, RCPT lines, TLS on, message octets.</summary>
    public ConcurrentQueue<(string Mail, List<string> Rcpts, bool Tls, byte[] Data)> Messages { get; } = new();

    /// <summary>Failed TLS handshakes (the client refused our certificate).</summary>
    public int HandshakeFailures;

    /// <summary>When set, each transaction waits for it before its final 250 (to hold deliveries open).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Transactions waiting at <see cref="Gate"/> now, and the most at once.</summary>
    public int Waiting;

    public int MaxWaiting;

    private async Task PassGateAsync()
    {
        if (Gate is not { } gate)
        {
            return;
        }
        var now = Interlocked.Increment(ref Waiting);
        int max;
        while (now > (max = Volatile.Read(ref MaxWaiting)) && Interlocked.CompareExchange(ref MaxWaiting, now, max) != max)
        {
        }
        await gate.Task;
        Interlocked.Decrement(ref Waiting);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await SessionAsync(client.GetStream());
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                    {
                        // Client went away.
                    }
                }
            });
        }
    }

    private async Task SessionAsync(Stream stream)
    {
        var reader = new LineReader(stream);
        var tls = false;
        string? mail = null;
        var rcpts = new List<string>();
        var bdat = new MemoryStream();
        await WriteAsync(stream, "220 receiver.test ESMTP\r\n");
        while (await reader.ReadLineAsync() is { } line)
        {
            Commands.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var lines = new List<string> { "receiver.test" };
                    if (!tls && _certificate is not null)
                    {
                        lines.Add("STARTTLS");
                    }
                    lines.AddRange(_extensions);
                    lines.Add("PIPELINING");
                    var reply = new StringBuilder();
                    for (var i = 0; i < lines.Count; i++)
                    {
                        reply.Append("250").Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]).Append("\r\n");
                    }
                    await WriteAsync(stream, reply.ToString());
                    break;
                case "STARTTLS" when !tls && _certificate is not null:
                    await WriteAsync(stream, "220 2.0.0 Ready to start TLS\r\n");
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    try
                    {
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _certificate });
                    }
                    catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
                    {
                        Interlocked.Increment(ref HandshakeFailures);
                        throw;
                    }
                    stream = ssl;
                    reader = new LineReader(stream);
                    tls = true;
                    break;
                case "MAIL":
                    mail = line;
                    rcpts = [];
                    bdat = new MemoryStream();
                    await WriteAsync(stream, "250 2.1.0 Ok\r\n");
                    break;
                case "RCPT":
                    rcpts.Add(line);
                    await WriteAsync(stream, "250 2.1.5 Ok\r\n");
                    break;
                case "DATA":
                    await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>\r\n");
                    var data = new MemoryStream();
                    while (await reader.ReadRawLineAsync() is { } raw && !raw.AsSpan().SequenceEqual(".\r\n"u8))
                    {
                        data.Write(raw, raw.Length > 0 && raw[0] == '.' ? 1 : 0, raw.Length - (raw.Length > 0 && raw[0] == '.' ? 1 : 0));
                    }
                    await PassGateAsync();
                    Messages.Enqueue((mail ?? "", rcpts, tls, data.ToArray()));
                    await WriteAsync(stream, "250 2.0.0 Ok: queued\r\n");
                    break;
                case "BDAT":
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var size = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    bdat.Write(await reader.ReadExactlyAsync(size));
                    if (parts.Length > 2 && parts[2].Equals("LAST", StringComparison.OrdinalIgnoreCase))
                    {
                        await PassGateAsync();
                        Messages.Enqueue((mail ?? "", rcpts, tls, bdat.ToArray()));
                        await WriteAsync(stream, "250 2.0.0 Ok: queued\r\n");
                    }
                    else
                    {
                        await WriteAsync(stream, $"250 2.0.0 {size} octets received\r\n");
                    }
                    break;
                case "RSET":
                    mail = null;
                    rcpts = [];
                    await WriteAsync(stream, "250 2.0.0 Ok\r\n");
                    break;
                case "QUIT":
                    await WriteAsync(stream, "221 2.0.0 Bye\r\n");
                    return;
                default:
                    await WriteAsync(stream, verb == "NOOP" ? "250 2.0.0 Ok\r\n" : "502 5.5.2 Error: command not recognized\r\n");
                    break;
            }
        }
    }

    private static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    /// <summary>Reads CRLF lines and exact octet counts from a stream, with its own buffer.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[65536];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync() =>
            await ReadRawLineAsync() is { } raw ? Encoding.UTF8.GetString(raw).TrimEnd('\r', '\n') : null;

        /// <summary>One line with its CRLF, or null at the end of the stream.</summary>
        public async Task<byte[]?> ReadRawLineAsync()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync())
                {
                    return null;
                }
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    line.Write(_buffer, _start, lf + 1 - _start);
                    _start = lf + 1;
                    return line.ToArray();
                }
                line.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count)
        {
            var result = new byte[count];
            var done = 0;
            while (done < count)
            {
                if (_start == _end && !await FillAsync())
                {
                    throw new IOException("end of stream in BDAT chunk");
                }
                var n = Math.Min(count - done, _end - _start);
                Array.Copy(_buffer, _start, result, done, n);
                _start += n;
                done += n;
            }
            return result;
        }

        private async Task<bool> FillAsync()
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer);
            return _end > 0;
        }
    }
}

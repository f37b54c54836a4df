using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// A raw IMAP client for transcripts: sends exact lines, returns the server's lines (a literal is
/// kept inline: the line with <c>{n}</c>, CRLF, its octets and the rest of the line).
/// </summary>
public sealed class ImapTestConnection : IAsyncDisposable
{
    // 30 s: a reply may wait behind fsyncs and a full CPU on a loaded 2-core CI machine (a 300 KB MULTIAPPEND took over 10 s
    // at load 45 while a benchmark seeded 100,000 messages).
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private Stream _stream;
    private readonly List<byte> _pending = [];

    private ImapTestConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>The greeting line.</summary>
    public string Greeting { get; private set; } = "";

    public static async Task<ImapTestConnection> ConnectAsync(IPEndPoint endpoint)
    {
        var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var c = new ImapTestConnection(client);
        c.Greeting = await c.ReadLineAsync();
        return c;
    }

    /// <summary>Sends raw text (UTF-8) as is.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends raw octets as is.</summary>
    public async Task SendAsync(byte[] octets)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(octets, cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>Sends <paramref name="line"/> + CRLF and returns every line up to and including the tagged reply.</summary>
    public async Task<List<string>> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        var tag = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        return await ReadUntilTaggedAsync(tag);
    }

    /// <summary>Reads lines until one starts with <paramref name="tag"/> and a space.</summary>
    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>Reads one response line (literals inline), without the final CRLF.</summary>
    public async Task<string> ReadLineAsync()
    {
        var bytes = await ReadLineBytesAsync();
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads one response line as octets (literals inline), without the final CRLF.</summary>
    public async Task<byte[]> ReadLineBytesAsync()
    {
        var result = new List<byte>();
        while (true)
        {
            var line = await ReadRawLineAsync();
            result.AddRange(line);
            var text = Encoding.ASCII.GetString(line);
            var open = text.LastIndexOf('{');
            if (text.EndsWith('}') && open >= 0 && int.TryParse(text.AsSpan(open + 1, text.Length - open - 2), out var n))
            {
                result.AddRange("\r\n"u8.ToArray());
                result.AddRange(await ReadExactAsync(n));
                continue;
            }
            return [.. result];
        }
    }

    /// <summary>Reads until the connection closes; returns what arrived.</summary>
    public async Task<string> ReadToEndAsync()
    {
        var all = new List<byte>(_pending);
        _pending.Clear();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer, cts.Token);
            }
            catch (IOException)
            {
                break;
            }
            if (n == 0)
            {
                break;
            }
            all.AddRange(buffer.AsSpan(0, n));
        }
        return Encoding.UTF8.GetString([.. all]);
    }

    /// <summary>Negotiates TLS (after a tagged OK to STARTTLS), accepting only the server's self-signed <paramref name="expected"/> certificate.</summary>
    public async Task UpgradeToTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 expected)
    {
        Assert.Empty(_pending);
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == expected.GetCertHashString());
        using var cts = new CancellationTokenSource(Timeout);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token);
        _stream = ssl;
    }

    /// <summary>Layers a stream over the connection (COMPRESS); nothing may be pending.</summary>
    public void WrapStream(Func<Stream, Stream> wrap)
    {
        Assert.Empty(_pending);
        _stream = wrap(_stream);
    }

    private async Task<byte[]> ReadRawLineAsync()
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var lf = _pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = _pending.GetRange(0, lf).ToArray();
                _pending.RemoveRange(0, lf + 1);
                return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            }
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                throw new IOException("Connection closed; pending: " + Encoding.UTF8.GetString([.. _pending]));
            }
            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    private async Task<byte[]> ReadExactAsync(int count)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        while (_pending.Count < count)
        {
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                throw new IOException("Connection closed inside a literal");
            }
            _pending.AddRange(buffer.AsSpan(0, n));
        }
        var result = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}

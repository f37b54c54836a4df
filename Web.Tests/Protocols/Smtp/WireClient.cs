using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>A raw line client for transcripts: sends exact octets, reads CRLF lines (SMTP/POP3).</summary>
internal sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<byte> _pending = [];

    private WireClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<WireClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endPoint);
        return new WireClient(tcp);
    }

    public bool IsSecure => _stream is SslStream;

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public Task SendLineAsync(string line) => SendAsync(line + "\r\n");

    /// <summary>Reads one line without its CRLF; null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            var lf = _pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = _pending.GetRange(0, lf + 1).ToArray();
                _pending.RemoveRange(0, lf + 1);
                var text = Encoding.UTF8.GetString(line);
                return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text[..^1];
            }
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                return _pending.Count == 0 ? null : Encoding.UTF8.GetString([.. _pending]);
            }
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> octets.</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[65536];
        while (_pending.Count < count)
        {
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                break;
            }
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        var take = Math.Min(count, _pending.Count);
        var result = _pending.GetRange(0, take).ToArray();
        _pending.RemoveRange(0, take);
        return result;
    }

    /// <summary>Reads an SMTP reply (all lines of a multi-line reply), joined by '\n'.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("connection closed; got: " + string.Join("\n", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\n", lines);
            }
        }
    }

    /// <summary>True when the server closed the connection (reads to the end, within the timeout).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async Task StartTlsAsync()
    {
        _pending.Clear();
        // The test server's certificate is the self-signed one generated under the temp data path.
#pragma warning disable CA5359
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
#pragma warning restore CA5359
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        _stream = ssl;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}

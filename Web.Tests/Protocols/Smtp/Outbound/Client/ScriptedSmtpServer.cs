using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound.Client;

/// <summary>
/// A raw-socket SMTP peer on 127.0.0.1:0 for one session: sends the greeting, answers each command line with what
/// <c>answer</c> returns (CRLF-joined reply lines, or raw octets), reads DATA up to <c>CRLF.CRLF</c> and BDAT chunks,
/// and records every line and the data octets exactly as received.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string> _answer;
    private readonly Task _session;

    public ScriptedSmtpServer(Func<string, string> answer, string greeting = "220 scripted.test ESMTP\r\n")
    {
        _answer = answer;
        _listener.Start();
        _session = Task.Run(() => RunAsync(greeting));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Command lines received, without CRLF.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Message octets received after DATA (with the final <c>.CRLF</c>) or in BDAT chunks.</summary>
    public ConcurrentQueue<byte[]> Data { get; } = new();

    /// <summary>A connected socket to this server.</summary>
    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(EndPoint);
        return socket;
    }

    private async Task RunAsync(string greeting)
    {
        using var client = await _listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var pending = new List<byte>();
        async Task<byte[]?> ReadLineAsync()
        {
            var buffer = new byte[4096];
            while (true)
            {
                var lf = pending.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    var line = pending.GetRange(0, lf + 1).ToArray();
                    pending.RemoveRange(0, lf + 1);
                    return line;
                }
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return null;
                }
                pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        async Task<byte[]> ReadExactlyAsync(int count)
        {
            var buffer = new byte[4096];
            while (pending.Count < count)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }
                pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }
            var chunk = pending.GetRange(0, Math.Min(count, pending.Count)).ToArray();
            pending.RemoveRange(0, chunk.Length);
            return chunk;
        }
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(greeting));
            while (await ReadLineAsync() is { } raw)
            {
                var line = Encoding.UTF8.GetString(raw).TrimEnd('\r', '\n');
                Lines.Enqueue(line);
                var reply = _answer(line);
                if (line.StartsWith("BDAT ", StringComparison.OrdinalIgnoreCase))
                {
                    Data.Enqueue(await ReadExactlyAsync(int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes(reply));
                if (line.Equals("DATA", StringComparison.OrdinalIgnoreCase) && reply.StartsWith("354", StringComparison.Ordinal))
                {
                    using var data = new MemoryStream();
                    while (await ReadLineAsync() is { } dataLine)
                    {
                        data.Write(dataLine);
                        if (dataLine.AsSpan().SequenceEqual(".\r\n"u8))
                        {
                            break;
                        }
                    }
                    Data.Enqueue(data.ToArray());
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(_answer(".")));
                }
                if (line.Equals("QUIT", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _session.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or TimeoutException or IOException)
        {
            // Never connected, or left.
        }
        _listener.Dispose();
    }
}

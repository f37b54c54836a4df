using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>A one-click unsubscribe endpoint on 127.0.0.1 (port 0): records each request's method, path, headers and body, answers 200.</summary>
internal sealed class UnsubscribeListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    private UnsubscribeListener()
    {
    }

    /// <summary>Requests received: request line, header block, body.</summary>
    public ConcurrentQueue<(string RequestLine, string Headers, string Body)> Requests { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static UnsubscribeListener Start()
    {
        var server = new UnsubscribeListener();
        server._listener.Start();
        _ = server.AcceptLoopAsync();
        return server;
    }

    /// <summary>Waits up to 30 s for a request.</summary>
    public async Task<(string RequestLine, string Headers, string Body)> WaitForRequestAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Requests.TryPeek(out _))
        {
            Assert.True(DateTime.UtcNow < deadline, "no unsubscribe request within 30 s");
            await Task.Delay(50);
        }
        Requests.TryPeek(out var request);
        return request;
    }

    private async Task AcceptLoopAsync()
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
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            int headEnd;
            while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
            {
                var read = await stream.ReadAsync(chunk);
                if (read == 0)
                {
                    return;
                }
                buffer.AddRange(chunk.AsSpan(0, read));
            }
            var head = Encoding.ASCII.GetString([.. buffer.Take(headEnd)]);
            var lines = head.Split("\r\n");
            var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            while (buffer.Count < headEnd + 4 + length)
            {
                var read = await stream.ReadAsync(chunk);
                if (read == 0)
                {
                    break;
                }
                buffer.AddRange(chunk.AsSpan(0, read));
            }
            var body = Encoding.ASCII.GetString([.. buffer.Skip(headEnd + 4).Take(length)]);
            Requests.Enqueue((lines[0], string.Join("\n", lines.Skip(1)), body));
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = data[i + j] == pattern[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}

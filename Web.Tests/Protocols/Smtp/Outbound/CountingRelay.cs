using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>A TCP relay on 127.0.0.1:0 in front of a real server that counts the connections it accepted.</summary>
internal sealed class CountingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    public CountingRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (client)
                using (var upstream = new TcpClient())
                {
                    try
                    {
                        await upstream.ConnectAsync(_target, _stop.Token);
                        var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                        var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                        await Task.WhenAny(a, b);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                    {
                        // One side left.
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

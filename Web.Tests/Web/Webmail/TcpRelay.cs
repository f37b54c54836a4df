using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// A loopback TCP relay in front of a real server, to take that server "down" for a client and bring
/// it back: while paused, open connections are cut and new ones are closed right after accept.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _acceptLoop;
    private volatile bool _paused;

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Connections being relayed now.</summary>
    public int OpenConnections => _open.Count / 2;

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cuts every open connection and refuses new ones until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        _paused = true;
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }
    }

    /// <summary>Relays new connections again.</summary>
    public void Resume() => _paused = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_paused)
            {
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A cut connection is what Pause is for.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Pause();
        await _acceptLoop;
        _stop.Dispose();
    }
}

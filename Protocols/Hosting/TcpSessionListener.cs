using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;

namespace Mail.Protocols.Hosting;

/// <summary>
/// A TCP listener for one named endpoint (<see cref="MailEndpoints"/>) that runs one session per
/// accepted connection: binds in <see cref="StartAsync"/> (so the bound port, also for port 0, is
/// registered with <see cref="MailEndpoints.SetBound"/> before the host reports it has started),
/// accepts until the host stops, then waits up to 10 s for running sessions.
/// </summary>
/// <remarks>Backlog 512 connections; Nagle off (protocol replies are small and latency-bound).</remarks>
public abstract class TcpSessionListener : BackgroundService
{
    private readonly MailEndpoints _endpoints;
    private readonly string _endpointName;
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private Socket? _socket;

    /// <param name="endpoints">Endpoint registry.</param>
    /// <param name="endpointName">Endpoint name, e.g. <see cref="MailEndpoints.Pop3"/>.</param>
    protected TcpSessionListener(MailEndpoints endpoints, string endpointName)
    {
        _endpoints = endpoints;
        _endpointName = endpointName;
    }

    /// <summary>Called once the socket is bound and listening.</summary>
    protected abstract void OnListening(IPEndPoint bound);

    /// <summary>Called when accepting a connection failed (the listener keeps accepting).</summary>
    protected abstract void OnAcceptFailed(SocketException exception);

    /// <summary>Runs one session on <paramref name="connection"/>; the session owns and disposes the socket and must not throw.</summary>
    protected abstract Task RunSessionAsync(Socket connection, CancellationToken stoppingToken);

    /// <inheritdoc />
    /// <exception cref="IOException">The endpoint cannot be bound (in use, no permission; see <see cref="ListeningSocket.Open"/>).</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = _endpoints.Configured(_endpointName);
        var socket = ListeningSocket.Open(configured);
        _socket = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(_endpointName, bound);
        OnListening(bound);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket!.AcceptAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                OnAcceptFailed(ex);
                continue;
            }
            accepted.NoDelay = true;
            var task = Task.Run(() => RunSessionAsync(accepted, stoppingToken), CancellationToken.None);
            _sessions[task] = 0;
            _ = task.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
        await Task.WhenAll(_sessions.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}

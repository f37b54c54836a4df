using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Imap.Session;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;

namespace Mail.Protocols.Imap.Hosting;

/// <summary>
/// The IMAP listener (Mailbox role): binds <see cref="MailEndpoints.Configured"/>("Imap") in
/// <see cref="StartAsync"/>, records the bound endpoint with <see cref="MailEndpoints.SetBound"/>
/// (so port 0 works in tests) and serves each connection in an <see cref="ImapSession"/>.
/// Stopping closes the socket and ends every session with <c>* BYE</c>.
/// </summary>
public sealed class ImapListener : BackgroundService
{
    private readonly ImapServerContext _context;
    private readonly MailEndpoints _endpoints;
    private readonly ConcurrentDictionary<long, Task> _sessions = new();
    private Socket? _socket;

    public ImapListener(ImapServerContext context, MailEndpoints endpoints)
    {
        _context = context;
        _endpoints = endpoints;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = _endpoints.Configured(MailEndpoints.Imap);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(endpoint);
        socket.Listen(512);
        _socket = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(MailEndpoints.Imap, bound);
        ImapLog.Listening(_context.Logger, bound);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var socket = _socket!;
        long next = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                ImapLog.ConnectionError(_context.Logger, 0, ex);
                continue;
            }
            client.NoDelay = true;
            var id = Interlocked.Increment(ref next);
            _sessions[id] = ServeAsync(id, client, stoppingToken);
        }
    }

    private async Task ServeAsync(long id, Socket client, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var session = new ImapSession(_context, client);
            await session.RunAsync(stoppingToken);
        }
        finally
        {
            _sessions.TryRemove(id, out _);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _socket?.Dispose();
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_sessions.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

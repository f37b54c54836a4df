using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Hosting;
using Mail.Protocols.Imap.Session;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;

namespace Mail.Protocols.Imap.Hosting;

/// <summary>
/// An IMAP listener (Mailbox role), one for endpoint <c>Imap</c> and one for <c>ImapTls</c> (implicit TLS): binds <see cref="MailEndpoints.Configured"/> in
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

    private readonly string _endpointName;
    private readonly bool _implicitTls;

    /// <param name="context">Shared session services.</param>
    /// <param name="endpoints">Endpoint registry.</param>
    /// <param name="endpointName"><see cref="MailEndpoints.Imap"/> (STARTTLS) or <see cref="MailEndpoints.ImapTls"/> (implicit TLS, RFC 8314 §3.3).</param>
    /// <param name="implicitTls">TLS from the first byte.</param>
    public ImapListener(ImapServerContext context, MailEndpoints endpoints, string endpointName, bool implicitTls)
    {
        _context = context;
        _endpoints = endpoints;
        _endpointName = endpointName;
        _implicitTls = implicitTls;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = _endpoints.Configured(_endpointName);
        var socket = ListeningSocket.Open(endpoint);
        _socket = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(_endpointName, bound);
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
            await using var session = new ImapSession(_context, client, _implicitTls);
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

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Hosting;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Pop3;

/// <summary>The POP3 listener (endpoint <c>Pop3</c>): binds in <see cref="StartAsync"/>, one <see cref="Pop3Session"/> per connection.</summary>
internal sealed class Pop3Listener : BackgroundService
{
    private readonly MailEndpoints _endpoints;
    private readonly Pop3Services _services;
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private Socket? _socket;

    public Pop3Listener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<Pop3Options> options,
        IMailDirectory directory,
        IMailStore store,
        TlsCertificateProvider certificates,
        TimeProvider time,
        ILogger<Pop3Listener> logger)
    {
        _endpoints = endpoints;
        _services = new Pop3Services(options.Value, directory, store, certificates, time, mail.Value.HostName, logger);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = _endpoints.Configured(MailEndpoints.Pop3);
        var socket = new Socket(configured.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(configured);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _endpoints.SetBound(MailEndpoints.Pop3, bound);
        Pop3Log.Listening(_services.Logger, bound);
        return base.StartAsync(cancellationToken);
    }

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
                Pop3Log.AcceptFailed(_services.Logger, ex);
                continue;
            }
            accepted.NoDelay = true;
            var session = new Pop3Session(accepted, _services);
            var task = Task.Run(() => session.RunAsync(stoppingToken), CancellationToken.None);
            _sessions[task] = 0;
            _ = task.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
        await Task.WhenAll(_sessions.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }
}

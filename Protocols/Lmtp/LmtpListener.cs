using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Lmtp;

/// <summary>The LMTP listener (endpoint <c>Lmtp</c>, RFC 2033): binds in <see cref="StartAsync"/>, one <see cref="LmtpSession"/> per connection.</summary>
internal sealed class LmtpListener : BackgroundService
{
    private readonly MailEndpoints _endpoints;
    private readonly LmtpServices _services;
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private Socket? _socket;

    public LmtpListener(
        MailEndpoints endpoints,
        IOptions<MailOptions> mail,
        IOptions<LmtpOptions> options,
        IMailDirectory directory,
        IMailStore store,
        TimeProvider time,
        ILogger<LmtpListener> logger)
    {
        _endpoints = endpoints;
        _services = new LmtpServices(options.Value, new LmtpTrustedNetworks(options.Value.TrustedNetworks), directory, store, time, mail.Value.HostName, logger);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = _endpoints.Configured(MailEndpoints.Lmtp);
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
        _endpoints.SetBound(MailEndpoints.Lmtp, bound);
        LmtpLog.Listening(_services.Logger, bound);
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
                LmtpLog.AcceptFailed(_services.Logger, ex);
                continue;
            }
            accepted.NoDelay = true;
            var session = new LmtpSession(accepted, _services);
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

/// <summary>What every LMTP session needs from the host.</summary>
internal sealed record LmtpServices(
    LmtpOptions Options,
    LmtpTrustedNetworks TrustedNetworks,
    IMailDirectory Directory,
    IMailStore Store,
    TimeProvider Time,
    string HostName,
    ILogger Logger);

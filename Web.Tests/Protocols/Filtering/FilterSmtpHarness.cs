using System.Net;
using System.Net.Sockets;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>Starts SMTP-in with the filters configured, and sends messages through it over real sockets.</summary>
internal sealed class FilterSmtpHarness : IAsyncDisposable
{
    private readonly List<WireClient> _clients = [];

    private FilterSmtpHarness(MailProtocolTestHost host) => Host = host;

    public MailProtocolTestHost Host { get; }

    /// <summary>Both real daemons with their defaults, plus <paramref name="extra"/> settings.</summary>
    public static async Task<FilterSmtpHarness> StartAsync(IDictionary<string, string?>? extra = null, bool spamd = true, bool clamd = true, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>();
        if (spamd)
        {
            settings["Mail:Filters:Spamd:Endpoint"] = FilterDaemons.Spamd;
        }
        if (clamd)
        {
            settings["Mail:Filters:Clamd:Endpoint"] = FilterDaemons.Clamd;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return new FilterSmtpHarness(await MailProtocolTestHost.StartAsync(settings, time is null ? null : services => services.AddSingleton(time)));
    }

    /// <summary>One transaction from sender@remote.example to <paramref name="recipients"/>; returns the final DATA reply.</summary>
    public async Task<string> SendAsync(byte[] wire, params string[] recipients)
    {
        var client = await WireClient.ConnectAsync(Host.Smtp);
        _clients.Add(client);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        foreach (var rcpt in recipients.Length == 0 ? ["alice@example.com"] : recipients)
        {
            await client.SendLineAsync($"RCPT TO:<{rcpt}>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        }
        var reply = await SmtpTestBase.SendDataAsync(client, wire);
        // The session survives any verdict.
        await client.SendLineAsync("NOOP");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync("QUIT");
        return reply;
    }

    public Task<string> SendAsync(string message, params string[] recipients) => SendAsync(FilterTestMessages.ToWire(message), recipients);

    /// <summary>The queue id of a <c>250 2.0.0 Ok: queued as ID</c> reply.</summary>
    public static string QueueId(string reply)
    {
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply);
        return reply["250 2.0.0 Ok: queued as ".Length..];
    }

    /// <summary>A port on 127.0.0.1 where nothing listens (bound, then released).</summary>
    public static string ClosedEndpoint()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return "127.0.0.1:" + port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        await Host.DisposeAsync();
    }
}

/// <summary>A daemon that accepts connections and reads, but never answers (slower than any timeout).</summary>
internal sealed class BlackholeDaemon : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();

    public BlackholeDaemon()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Endpoint => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections { get; private set; }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                    Connections++;
                }
                _ = DrainAsync(socket);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (SocketException)
        {
            // Stopped.
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[65536];
        try
        {
            while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped or peer gone.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }
        _stop.Dispose();
    }
}

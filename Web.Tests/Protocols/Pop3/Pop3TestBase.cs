using System.Text;
using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Pop3;

/// <summary>A fresh POP3 + store host per test, and transcript helpers.</summary>
public abstract class Pop3TestBase : IAsyncLifetime
{
    private readonly List<WireClient> _clients = [];

    internal MailProtocolTestHost Host { get; private set; } = null!;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync() => Host = await MailProtocolTestHost.StartAsync(Settings);

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        await Host.DisposeAsync();
    }

    /// <summary>Delivers a message straight into the store.</summary>
    internal async Task DeliverAsync(string text, string account = "alice@example.com") => await DeliverAsync(Encoding.UTF8.GetBytes(text), account);

    internal async Task DeliverAsync(byte[] bytes, string account = "alice@example.com")
    {
        using var stream = new MemoryStream(bytes);
        var outcome = await Host.Store.DeliverAsync([account], stream, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(Mail.Protocols.Store.StoreStatus.Ok, outcome[0].Status);
    }

    internal async Task<WireClient> ConnectAsync()
    {
        var client = await WireClient.ConnectAsync(Host.Pop3);
        _clients.Add(client);
        Assert.Equal("+OK mx.test.example POP3 server ready", await client.ReadLineAsync());
        return client;
    }

    internal async Task<WireClient> LoginAsync(string user = "alice@example.com")
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("USER " + user);
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        await client.SendLineAsync("PASS password");
        Assert.StartsWith($"+OK {user} has ", await client.ReadLineAsync());
        return client;
    }

    /// <summary>Reads a multi-line response body up to the "." line (lines still dot-stuffed).</summary>
    internal static async Task<List<string>> ReadMultiLineAsync(WireClient client)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException("closed");
            if (line == ".")
            {
                return lines;
            }
            lines.Add(line);
        }
    }
}

using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>A fresh SMTP-in + store host per test, and transcript helpers.</summary>
public abstract class SmtpTestBase : IAsyncLifetime
{
    private readonly List<WireClient> _clients = [];

    internal MailProtocolTestHost Host { get; private set; } = null!;

    /// <summary>Extra configuration for the host (e.g. smaller limits).</summary>
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

    /// <summary>Connects and checks the greeting.</summary>
    internal async Task<WireClient> ConnectAsync()
    {
        var client = await WireClient.ConnectAsync(Host.Smtp);
        _clients.Add(client);
        Assert.StartsWith("220 mx.test.example ESMTP", await client.ReadReplyAsync());
        return client;
    }

    /// <summary>Connects, EHLO, MAIL FROM and RCPT TO alice.</summary>
    internal async Task<WireClient> ReadyForDataAsync(string rcpt = "alice@example.com")
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync($"RCPT TO:<{rcpt}>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        return client;
    }

    /// <summary>Sends DATA and the given wire octets (which must include the final CRLF.CRLF); returns the final reply.</summary>
    internal static async Task<string> SendDataAsync(WireClient client, byte[] wire)
    {
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync(wire);
        return await client.ReadReplyAsync();
    }

    internal static Task<string> SendDataAsync(WireClient client, string wire) => SendDataAsync(client, Encoding.UTF8.GetBytes(wire));

    /// <summary>The stored message minus the Return-Path and Received fields SMTP-in put in front.</summary>
    internal static byte[] WithoutTrace(byte[] stored)
    {
        var text = Encoding.Latin1.GetString(stored);
        Assert.StartsWith("Return-Path: <", text);
        var received = text.IndexOf("\r\nReceived: ", StringComparison.Ordinal);
        Assert.True(received > 0, "no Received field");
        // The Received field ends at the first CRLF not followed by a tab (its continuation lines start with a tab).
        var end = received + 2;
        while (true)
        {
            var crlf = text.IndexOf("\r\n", end, StringComparison.Ordinal);
            end = crlf + 2;
            if (end >= text.Length || text[end] != '\t')
            {
                break;
            }
        }
        return stored[end..];
    }
}

using System.Text;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Lmtp;

/// <summary>LMTP transcripts against the shared whole host (<see cref="MailHostFixture"/>): connection and store helpers.</summary>
public abstract class LmtpTestBase : IAsyncLifetime
{
    private readonly List<WireClient> _clients = [];

    protected LmtpTestBase(MailHostFixture host) => Host = host;

    protected MailHostFixture Host { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    internal async Task<WireClient> ConnectAsync()
    {
        var client = await WireClient.ConnectAsync(Host.Endpoint(MailEndpoints.Lmtp));
        _clients.Add(client);
        Assert.Equal("220 mail.test LMTP server ready", await client.ReadLineAsync());
        return client;
    }

    /// <summary>Connects and sends LHLO.</summary>
    internal async Task<WireClient> GreetedAsync()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("LHLO mx.example.net");
        Assert.StartsWith("250-mail.test\n", await client.ReadReplyAsync(), StringComparison.Ordinal);
        return client;
    }

    /// <summary>A small message carrying <paramref name="marker"/>, with a dot-led line and an 8-bit line.</summary>
    internal static byte[] Sample(string marker) => Encoding.UTF8.GetBytes(
        $"From: Sender <sender@remote.example>\r\nTo: alice@example.com\r\nSubject: lmtp {marker}\r\nMessage-ID: <{marker}@remote.example>\r\n\r\n" +
        ".dot first\r\nGrüße\r\n..\r\nlast\r\n");

    /// <summary>Dot-stuffs a message that ends in CRLF and appends the terminator (RFC 5321 §4.5.2).</summary>
    internal static byte[] DataSection(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message);
        var stuffed = (text.StartsWith('.') ? "." : "") + text.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(stuffed + ".\r\n");
    }

    /// <summary>Every stored INBOX message of <paramref name="account"/> containing <paramref name="marker"/>.</summary>
    internal async Task<List<byte[]>> StoredAsync(string account, string marker)
    {
        var store = await Host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        var found = new List<byte[]>();
        foreach (var record in await store.GetMessagesAsync(inbox!.Id, CancellationToken.None))
        {
            await using var stream = await store.OpenMessageAsync(inbox.Id, record.Uid, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            if (Encoding.Latin1.GetString(copy.ToArray()).Contains(marker, StringComparison.Ordinal))
            {
                found.Add(copy.ToArray());
            }
        }
        return found;
    }
}

using System.Text;
using Mail.Protocols.Lmtp;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Lmtp;

/// <summary>
/// Limits and per-recipient delivery failures, on a protocol host (<see cref="MailProtocolTestHost"/>) with
/// small limits and bob at a 1-octet quota.
/// </summary>
public sealed class LmtpLimitsTests : IAsyncLifetime
{
    private readonly List<WireClient> _clients = [];
    private MailProtocolTestHost _host = null!;

    public async Task InitializeAsync() => _host = await MailProtocolTestHost.StartAsync(
        new Dictionary<string, string?>
        {
            ["Mail:Endpoints:Lmtp"] = "127.0.0.1:0",
            ["Mail:Lmtp:MaxLineOctets"] = "100",
            ["Mail:Lmtp:MaxMessageOctets"] = "2000",
            ["Mail:Lmtp:MaxRecipients"] = "2",
        },
        services =>
        {
            services.AddSingleton<IQuotaProvider>(new BobQuota());
            services.AddLmtp();
        });

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
        await _host.DisposeAsync();
    }

    private async Task<WireClient> TransactionAsync(params string[] recipients)
    {
        var client = await WireClient.ConnectAsync(_host.Services.GetRequiredService<MailEndpoints>().Bound(MailEndpoints.Lmtp)!);
        _clients.Add(client);
        Assert.Equal("220 mx.test.example LMTP server ready", await client.ReadLineAsync());
        await client.SendAsync("LHLO mx.example.net\r\nMAIL FROM:<s@remote.example>\r\n" + string.Concat(recipients.Select(r => $"RCPT TO:<{r}>\r\n")));
        Assert.StartsWith("250-mx.test.example\n", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        return client;
    }

    [Fact]
    public async Task Data_OneRecipientOverQuota_Gets452_OthersDelivered()
    {
        var marker = Guid.NewGuid().ToString("N");
        var client = await TransactionAsync("alice@example.com", "bob@example.com");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync($"DATA\r\nSubject: {marker}\r\n\r\nbody\r\n.\r\n");
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <alice@example.com> delivered as ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("452 4.2.2 <bob@example.com> mailbox full, try again later", await client.ReadReplyAsync());
        Assert.Contains(await _host.InboxAsync("alice@example.com"), m => Encoding.Latin1.GetString(m).Contains(marker, StringComparison.Ordinal));
        Assert.DoesNotContain(await _host.InboxAsync("bob@example.com"), m => Encoding.Latin1.GetString(m).Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rcpt_OverMaxRecipients_Returns452()
    {
        var client = await TransactionAsync("alice@example.com", "bob@example.com", "team@example.com");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("452 4.5.3 too many recipients", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_DirectoryUnavailable_Returns451()
    {
        var client = await TransactionAsync("x@broken.example");
        Assert.Equal("451 4.4.3 <x@broken.example>: directory unavailable, try again later", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_LineOverLimit_Refused552PerRecipient()
    {
        var client = await TransactionAsync("alice@example.com", "team@example.com");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync("DATA\r\nSubject: x\r\n\r\n" + new string('a', 101) + "\r\n.\r\n");
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("552 5.3.4 message line longer than 100 octets", await client.ReadReplyAsync());
        Assert.Equal("552 5.3.4 message line longer than 100 octets", await client.ReadReplyAsync());
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_MessageOverLimit_Refused552_SessionStaysInStep()
    {
        var client = await TransactionAsync("alice@example.com");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var body = string.Concat(Enumerable.Repeat(new string('b', 60) + "\r\n", 50));
        await client.SendAsync("DATA\r\nSubject: x\r\n\r\n" + body + ".\r\nNOOP\r\n");
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("552 5.3.4 message size exceeds fixed limit", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_DeclaredSizeOverLimit_Returns552()
    {
        var client = await TransactionAsync();
        await client.SendLineAsync("MAIL FROM:<s@remote.example>");
        Assert.StartsWith("503 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("RSET");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<s@remote.example> SIZE=2001");
        Assert.Equal("552 5.3.4 message size exceeds fixed limit", await client.ReadReplyAsync());
    }

    /// <summary>bob has a quota of 1 octet (full), everyone else none.</summary>
    private sealed class BobQuota : IQuotaProvider
    {
        public ValueTask<long> GetQuotaOctetsAsync(string account, CancellationToken cancellationToken) =>
            ValueTask.FromResult(account == "bob@example.com" ? 1L : 0L);
    }
}

using Mail.Protocols.Filtering;
using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>The block stage over real SMTP sessions (no content scanners configured: these checks need none).</summary>
public sealed class BlockStageSmtpTests
{
    private static Task<FilterSmtpHarness> StartAsync(Dictionary<string, string?> settings, TimeProvider? time = null) =>
        FilterSmtpHarness.StartAsync(settings, spamd: false, clamd: false, time: time);

    private static async Task<WireClient> GreetAsync(FilterSmtpHarness h, string helo = "client.example")
    {
        var client = await WireClient.ConnectAsync(h.Host.Smtp);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO " + helo);
        Assert.StartsWith("250", await client.ReadReplyAsync());
        return client;
    }

    [Fact]
    public async Task InvalidHelo_RejectedAtMail504()
    {
        await using var h = await StartAsync([]);
        await using var client = await GreetAsync(h, "bad_name!");

        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");

        Assert.Equal("504 5.5.2 <bad_name!>: Helo command rejected: need a valid hostname", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task InvalidHelo_WithScoreAction_AddsToTheScore()
    {
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Helo:Action"] = "Score", ["Mail:Filters:Block:Helo:Score"] = "6" });

        var client = await GreetAsync(h, "bad_name");
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        var reply = await SmtpTestBase.SendDataAsync(client, FilterTestMessages.ToWire(FilterTestMessages.Plain("hi")));
        await client.DisposeAsync();

        var id = FilterSmtpHarness.QueueId(reply);
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.MailboxAsync("alice@example.com", "Junk")));
        Assert.Contains("X-Spam-Status: Yes, score=6.0 required=5.0 tests=HELO:bad_name", header);
        Assert.Contains("block:helo=spam (6.0)", header);
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.Equal("block:helo", Assert.Single(record!.Checks).Name);
    }

    [Fact]
    public async Task NonFqdnSender_RejectedAtMail504_NullSenderAccepted()
    {
        await using var h = await StartAsync([]);
        await using var client = await GreetAsync(h);

        await client.SendLineAsync("MAIL FROM:<root@localhost>");
        Assert.Equal("504 5.5.2 <root@localhost>: Sender address rejected: need fully-qualified address", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task MessageRate_OverLimit_Tempfails450()
    {
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Rates:MaxMessagesPerMinute"] = "2" });
        await using var client = await GreetAsync(h);

        for (var i = 0; i < 2; i++)
        {
            await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
            Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
            await client.SendLineAsync("RSET");
            Assert.StartsWith("250", await client.ReadReplyAsync());
        }
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");

        Assert.Equal("450 4.7.1 Error: too much mail from 127.0.0.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task ConnectionRate_OverLimit_Gets421AndClose()
    {
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Rates:MaxConnectionsPerMinute"] = "2" });
        await using var first = await WireClient.ConnectAsync(h.Host.Smtp);
        Assert.StartsWith("220 ", await first.ReadReplyAsync());
        await using var second = await WireClient.ConnectAsync(h.Host.Smtp);
        Assert.StartsWith("220 ", await second.ReadReplyAsync());

        await using var third = await WireClient.ConnectAsync(h.Host.Smtp);

        Assert.Equal("421 4.7.0 mx.test.example Error: too many connections from 127.0.0.1", await third.ReadReplyAsync());
        Assert.True(await third.IsClosedAsync());
        // The admitted sessions are unaffected.
        await first.SendLineAsync("NOOP");
        Assert.StartsWith("250", await first.ReadReplyAsync());
    }

    [Fact]
    public async Task Greylisting_FirstAttempt451_RetryAfterDelayDelivered()
    {
        var time = new ManualTimeProvider();
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Greylisting:Enabled"] = "true" }, time);
        await using var client = await GreetAsync(h);
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());

        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("451 4.7.1 <alice@example.com>: Recipient address rejected: Greylisted, try again later", await client.ReadReplyAsync());
        // Unknown users are refused as such, never greylisted.
        await client.SendLineAsync("RCPT TO:<nobody@example.com>");
        Assert.StartsWith("550 5.1.1 ", await client.ReadReplyAsync());

        time.Advance(TimeSpan.FromSeconds(299));
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("451 4.7.1 ", await client.ReadReplyAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        FilterSmtpHarness.QueueId(await SmtpTestBase.SendDataAsync(client, FilterTestMessages.ToWire(FilterTestMessages.Plain("hi"))));
        Assert.Single(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Dnsbl_Listed_RejectedAtMail554()
    {
        using var dns = new TestDnsServer("1.0.0.127.bl.test");
        await using var h = await StartAsync(new()
        {
            ["Mail:Filters:Block:Dnsbl:Servers:0"] = dns.Endpoint,
            ["Mail:Filters:Block:Dnsbl:Lists:0:Zone"] = "clean.test",
            ["Mail:Filters:Block:Dnsbl:Lists:1:Zone"] = "bl.test",
        });
        await using var client = await GreetAsync(h);

        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");

        Assert.Equal("554 5.7.1 Service unavailable; client host [127.0.0.1] blocked using bl.test", await client.ReadReplyAsync());
        Assert.Equal(2, dns.Queries);
    }

    [Fact]
    public async Task Dnsbl_ListedWithScore_LookedUpOncePerConnection_ScoreInEveryMessage()
    {
        using var dns = new TestDnsServer("1.0.0.127.bl.test");
        await using var h = await StartAsync(new()
        {
            ["Mail:Filters:Block:Dnsbl:Servers:0"] = dns.Endpoint,
            ["Mail:Filters:Block:Dnsbl:Lists:0:Zone"] = "bl.test",
            ["Mail:Filters:Block:Dnsbl:Lists:0:Action"] = "Score",
            ["Mail:Filters:Block:Dnsbl:Lists:0:Score"] = "2.5",
        });
        await using var client = await GreetAsync(h);

        for (var i = 0; i < 2; i++)
        {
            await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
            Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
            await client.SendLineAsync("RCPT TO:<alice@example.com>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
            FilterSmtpHarness.QueueId(await SmtpTestBase.SendDataAsync(client, FilterTestMessages.ToWire(FilterTestMessages.Plain("hi"))));
        }

        var inbox = await h.Host.InboxAsync("alice@example.com");
        Assert.Equal(2, inbox.Count);
        Assert.All(inbox, m => Assert.Contains("X-Spam-Status: No, score=2.5 required=5.0 tests=DNSBL:bl.test", FilterTestMessages.HeaderOf(m)));
        Assert.Equal(1, dns.Queries);
    }

    [Fact]
    public async Task Dnsbl_ServerDown_FailsOpen()
    {
        await using var h = await StartAsync(new()
        {
            ["Mail:Filters:Block:Dnsbl:Servers:0"] = FilterSmtpHarness.ClosedEndpoint(),
            ["Mail:Filters:Block:Dnsbl:Lists:0:Zone"] = "bl.test",
            ["Mail:Filters:Block:Dnsbl:TimeoutSeconds"] = "0.5",
        });
        await using var client = await GreetAsync(h);

        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");

        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
    }
}

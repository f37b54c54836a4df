using System.Net;
using System.Text;
using Mail.Protocols.Smtp.Outbound;
using Mail.Protocols.Smtp.Outbound.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// Submission → queue → delivery to Debian's smtp-sink found through MX records served by
/// <see cref="TestDnsServer"/>: delivery with a DKIM signature that verifies on the received octets,
/// MX preference with the first MX down, null MX, the local shortcut, and a smarthost route.
/// </summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes the DNS server.
public sealed class DeliveryTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly List<IAsyncDisposable> _owned = [];
    private TestDnsServer _dns = null!;
    private int _port;

    public Task InitializeAsync()
    {
        _dns = new TestDnsServer();
        _port = SmtpSink.FreePort(IPAddress.Loopback);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            await item.DisposeAsync();
        }
        await _dns.DisposeAsync();
    }

    private async Task<OutboundTestHost> HostAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString(),
            ["Mail:Outbound:SmtpPort"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        var host = await OutboundTestHost.StartAsync(settings);
        _owned.Add(host);
        return host;
    }

    private async Task<SmtpSink> SinkAsync(IPAddress address, params string[] options)
    {
        var sink = await SmtpSink.StartAsync(address, _port, options);
        _owned.Add(sink);
        return sink;
    }

    private static Task WaitForEmptyQueueAsync(OutboundTestHost host) =>
        OutboundTestHost.WaitUntilAsync(() => host.Queue.ReadAll().Count == 0 && host.Scheduler.Count == 0, "an empty queue");

    [Fact]
    public async Task Delivery_ViaMx_SinkReceivesMessageWithValidDkimSignature()
    {
        _dns.AddMx("remote.test", 10, "mx1.remote.test");
        _dns.AddAddress("mx1.remote.test", IPAddress.Loopback);
        var sink = await SinkAsync(IPAddress.Loopback);
        var host = await HostAsync();
        var (selector, name, record) = new DkimKeyStore(host.DataPath).Generate("example.com", DateTimeOffset.UtcNow);

        var reply = await host.SubmitAsync("alice@example.com", ["carol@remote.test", "dave@remote.test"], OutboundTestHost.Message("alice@example.com", "carol@remote.test"));
        Assert.StartsWith("250 2.0.0", reply);
        await WaitForEmptyQueueAsync(host);

        var received = Assert.Single(sink.Messages());
        var text = Encoding.UTF8.GetString(received);
        Assert.Contains("X-Mail-Args: <alice@example.com>", text, StringComparison.Ordinal);
        Assert.Contains("Hello there.", text, StringComparison.Ordinal);
        using var message = MimeMessage.Load(new MemoryStream(received));
        var signature = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        Assert.Contains($"s={selector}", signature.Value, StringComparison.Ordinal);
        Assert.Contains("d=example.com", signature.Value, StringComparison.Ordinal);
        var verifier = new DkimVerifier(new TestDkimKeyLocator(new() { [name] = record }));
        Assert.True(await verifier.VerifyAsync(message, signature), "DKIM signature does not verify on the octets the sink received");
    }

    [Fact]
    public async Task Delivery_TwoMx_FirstDown_GoesToSecond()
    {
        // mx1 (preference 10) is 127.0.0.2 where nothing listens on the port; mx2 (20) is the sink on 127.0.0.3.
        _dns.AddMx("two.test", 20, "mx2.two.test");
        _dns.AddMx("two.test", 10, "mx1.two.test");
        _dns.AddAddress("mx1.two.test", IPAddress.Parse("127.0.0.2"));
        _dns.AddAddress("mx2.two.test", IPAddress.Parse("127.0.0.3"));
        var sink = await SinkAsync(IPAddress.Parse("127.0.0.3"));
        var host = await HostAsync();

        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["x@two.test"], OutboundTestHost.Message("alice@example.com", "x@two.test")));
        await WaitForEmptyQueueAsync(host);
        Assert.Single(sink.Messages());
    }

    [Fact]
    public async Task Delivery_NoMx_FallsBackToAddressRecord()
    {
        _dns.AddAddress("plain.test", IPAddress.Loopback);
        var sink = await SinkAsync(IPAddress.Loopback);
        var host = await HostAsync();
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["x@plain.test"], OutboundTestHost.Message("alice@example.com", "x@plain.test")));
        await WaitForEmptyQueueAsync(host);
        Assert.Single(sink.Messages());
    }

    [Fact]
    public async Task Delivery_NullMx_FailsAt_5_1_10_WithDsnToSender()
    {
        _dns.AddNullMx("nomail.test");
        var host = await HostAsync();
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["x@nomail.test"], OutboundTestHost.Message("alice@example.com", "x@nomail.test")));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "a DSN in alice's INBOX");
        var dsn = MimeMessage.Load(new MemoryStream((await host.InboxAsync("alice@example.com"))[0]));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.Single(report.OfType<MessageDeliveryStatus>());
        var group = status.StatusGroups[1];
        Assert.Equal("rfc822; x@nomail.test", group["Final-Recipient"]);
        Assert.Equal("failed", group["Action"]);
        Assert.Equal("5.1.10", group["Status"]);
        await WaitForEmptyQueueAsync(host);
    }

    [Fact]
    public async Task Delivery_NoSuchDomain_FailsAt_5_1_2()
    {
        var host = await HostAsync();
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["x@nxdomain.test"], OutboundTestHost.Message("alice@example.com", "x@nxdomain.test")));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "a DSN in alice's INBOX");
        Assert.Contains("Status: 5.1.2", Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt5xx_FailsAndDsnGoesToTheAuthenticatedSenderOnly()
    {
        _dns.AddMx("reject.test", 10, "mx.reject.test");
        _dns.AddAddress("mx.reject.test", IPAddress.Loopback);
        var sink = await SinkAsync(IPAddress.Loopback, "-f", "RCPT");
        var host = await HostAsync();
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["nobody@reject.test"], OutboundTestHost.Message("alice@example.com", "nobody@reject.test", "Rejected")));

        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "a DSN in alice's INBOX");
        await WaitForEmptyQueueAsync(host);
        var raw = (await host.InboxAsync("alice@example.com"))[0];
        var dsn = MimeMessage.Load(new MemoryStream(raw));
        Assert.StartsWith("Return-Path: <>", Encoding.ASCII.GetString(raw), StringComparison.Ordinal);
        Assert.Equal("auto-replied", dsn.Headers["Auto-Submitted"]);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        var group = report.OfType<MessageDeliveryStatus>().Single().StatusGroups[1];
        Assert.Equal("rfc822; nobody@reject.test", group["Final-Recipient"]);
        Assert.StartsWith("5.", group["Status"], StringComparison.Ordinal);
        Assert.StartsWith("smtp; 5", group["Diagnostic-Code"], StringComparison.Ordinal);
        Assert.Equal("dns; mx.reject.test", group["Remote-MTA"]);
        Assert.Equal("Rejected", report.OfType<TextRfc822Headers>().Single().Message!.Subject);
        Assert.DoesNotContain(sink.Messages(), m => Encoding.UTF8.GetString(m).Contains("Hello there", StringComparison.Ordinal));
        Assert.Empty(await host.InboxAsync("bob@example.com"));
    }

    [Fact]
    public async Task LocalRecipients_AreStoredThroughTheInboundPath_NotSentOverTheNetwork()
    {
        var host = await HostAsync(new() { ["Mail:Outbound:Routes:*"] = "127.0.0.1:1" });
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["bob@example.com", "team@example.com"], OutboundTestHost.Message("alice@example.com", "bob@example.com")));
        await WaitForEmptyQueueAsync(host);
        var bob = await host.InboxAsync("bob@example.com");
        Assert.Single(bob);
        var text = Encoding.UTF8.GetString(bob[0]);
        Assert.StartsWith("Return-Path: <alice@example.com>\r\nReceived: from client.example", text, StringComparison.Ordinal);
        Assert.Single(await host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task LocalUnknownUser_FailsWithDsn()
    {
        var host = await HostAsync();
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["nosuch@example.com"], OutboundTestHost.Message("alice@example.com", "nosuch@example.com")));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "a DSN in alice's INBOX");
        Assert.Contains("Status: 5.1.1", Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_Smarthost_OverridesMxLookup()
    {
        var sink = await SinkAsync(IPAddress.Loopback);
        var host = await HostAsync(new() { ["Mail:Outbound:Routes:*"] = $"127.0.0.1:{_port}" });
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["x@anywhere.test"], OutboundTestHost.Message("alice@example.com", "x@anywhere.test")));
        await WaitForEmptyQueueAsync(host);
        Assert.Single(sink.Messages());
        Assert.Equal(0, _dns.Queries);
    }
}

/// <summary>The per-domain connection cache (<c>Mail:Outbound:ConnectionCacheSeconds</c>).</summary>
public sealed class ConnectionCacheTests
{
    [Theory]
    [InlineData(5, 1)]
    [InlineData(0, 3)]
    public async Task MessagesToOneDomain_ShareOneSession_UnlessTheCacheIsOff(int cacheSeconds, int expectedConnections)
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port);
        await using var relay = new CountingRelay(new IPEndPoint(IPAddress.Loopback, port));
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:Routes:cache.test"] = $"127.0.0.1:{relay.Port}",
            ["Mail:Outbound:ConnectionCacheSeconds"] = cacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        for (var i = 0; i < 3; i++)
        {
            // One after the other, so each finds the previous session idle in the cache.
            Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", [$"x{i}@cache.test"], OutboundTestHost.Message("alice@example.com", $"x{i}@cache.test")));
            var n = i + 1;
            // The entry leaves the queue after the session went back to the cache.
            await OutboundTestHost.WaitUntilAsync(() => sink.Messages().Count == n && host.Queue.ReadAll().Count == 0, $"delivery {n}");
        }
        Assert.Equal(expectedConnections, relay.Accepted);
    }
}

/// <summary>The smarthost route with AUTH, against a second instance's Submission listener (STARTTLS, AUTH PLAIN, sender ownership).</summary>
public sealed class SmarthostTests
{
    [Fact]
    public async Task Smarthost_WithAuth_RelaysThroughAnotherSubmissionServer()
    {
        await using var provider = await OutboundTestHost.StartAsync(outbound: false);
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:Routes:*"] = $"127.0.0.1:{provider.Submission.Port}",
            ["Mail:Outbound:SmarthostUser"] = "alice@example.com",
            ["Mail:Outbound:SmarthostPassword"] = "password",
        });
        Assert.StartsWith("250", await host.SubmitAsync("alice@example.com", ["carol@elsewhere.test"], OutboundTestHost.Message("alice@example.com", "carol@elsewhere.test", "Via smarthost")));
        await OutboundTestHost.WaitUntilAsync(() => provider.Queue.ReadAll().Count == 1, "the message in the smarthost's queue");
        var relayed = provider.Queue.ReadAll()[0];
        Assert.Equal("alice@example.com", relayed.AuthenticatedUser);
        Assert.Equal("carol@elsewhere.test", relayed.Recipients.Single().Address);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.ReadAll().Count == 0, "an empty queue on the sending side");
    }

    [Fact]
    public async Task Smarthost_WithWrongPassword_StaysQueued()
    {
        await using var provider = await OutboundTestHost.StartAsync(outbound: false);
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:Routes:*"] = $"127.0.0.1:{provider.Submission.Port}",
            ["Mail:Outbound:SmarthostUser"] = "alice@example.com",
            ["Mail:Outbound:SmarthostPassword"] = "wrong",
        });
        var reply = await host.SubmitAsync("alice@example.com", ["carol@elsewhere.test"], OutboundTestHost.Message("alice@example.com", "carol@elsewhere.test"));
        var id = reply["250 2.0.0 Ok: queued as ".Length..];
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        Assert.StartsWith("451 4.4.1 connect to 127.0.0.1[127.0.0.1]", host.Queue.Read(id)!.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Empty(provider.Queue.ReadAll());
    }
}

/// <summary>RFC 6531 §3.2: no downgrade of a UTF-8 address.</summary>
public sealed class Utf8DeliveryTests
{
    [Fact]
    public async Task Utf8Recipient_ToNextHopWithoutSmtpUtf8_FailsWith_5_6_7()
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        // -e: no EHLO, so no SMTPUTF8.
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port, "-e");
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Outbound:Routes:utf8.test"] = $"127.0.0.1:{port}" });
        await using (var client = await host.AuthenticatedClientAsync())
        {
            await client.SendLineAsync("MAIL FROM:<alice@example.com> SMTPUTF8");
            Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
            await client.SendLineAsync("RCPT TO:<jösé@utf8.test>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
            await client.SendLineAsync("DATA");
            await client.ReadReplyAsync();
            await client.SendAsync("From: alice@example.com\r\nTo: jösé@utf8.test\r\nSubject: utf8\r\n\r\nhi\r\n.\r\n");
            Assert.StartsWith("250", await client.ReadReplyAsync());
        }
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the DSN");
        Assert.Contains("Status: 5.6.7", Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]), StringComparison.Ordinal);
        Assert.Empty(sink.Messages());
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>Temporary failures on a fake clock: backoff, retry, expiry and the DSN after it.</summary>
#pragma warning disable CA1001 // IAsyncLifetime.DisposeAsync disposes the DNS server.
public sealed class RetryTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
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

    private async Task<OutboundTestHost> HostAsync(Dictionary<string, string?> extra)
    {
        extra["Mail:Outbound:DnsServers:0"] = _dns.EndPoint.ToString();
        extra["Mail:Outbound:SmtpPort"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = await OutboundTestHost.StartAsync(extra, _time);
        _owned.Add(host);
        return host;
    }

    private static string QueuedId(string reply) => reply["250 2.0.0 Ok: queued as ".Length..];

    [Fact]
    public async Task Rcpt4xx_IsDeferredForFirstRetryDelay_ThenDeliveredWhenTheClockGetsThere()
    {
        _dns.AddMx("soft.test", 10, "mx.soft.test");
        _dns.AddAddress("mx.soft.test", IPAddress.Loopback);
        var soft = await SmtpSink.StartAsync(IPAddress.Loopback, _port, "-r", "RCPT");
        var host = await HostAsync([]);
        var start = _time.GetUtcNow();
        var id = QueuedId(await host.SubmitAsync("alice@example.com", ["x@soft.test"], OutboundTestHost.Message("alice@example.com", "x@soft.test")));

        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 1 }, "the first attempt");
        var entry = host.Queue.Read(id)!;
        Assert.Equal(start + TimeSpan.FromSeconds(300), entry.NextAttempt);
        Assert.StartsWith("4", entry.Recipients[0].LastReply, StringComparison.Ordinal);
        Assert.Equal(Mail.Protocols.Smtp.Outbound.OutboundRecipientStatus.Pending, entry.Recipients[0].Status);
        await soft.DisposeAsync();

        var sink = await SmtpSink.StartAsync(IPAddress.Loopback, _port);
        _owned.Add(sink);
        _time.Advance(TimeSpan.FromSeconds(299));
        await Task.Delay(200);
        Assert.Equal(1, host.Queue.Read(id)!.Attempts);
        _time.Advance(TimeSpan.FromSeconds(1));
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is null, "delivery on the retry");
        Assert.Single(sink.Messages());
        Assert.Empty(await host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Unreachable_IsRetriedWithGrowingDelays_ThenExpiresWithDsn()
    {
        var closed = SmtpSink.FreePort(IPAddress.Loopback);
        var host = await HostAsync(new()
        {
            ["Mail:Outbound:Routes:down.test"] = $"127.0.0.1:{closed}",
            ["Mail:Outbound:FirstRetrySeconds"] = "300",
            ["Mail:Outbound:MaxRetrySeconds"] = "1000",
            ["Mail:Outbound:MaxQueueLifetimeSeconds"] = "2000",
            ["Mail:Outbound:DelayWarningSeconds"] = "500",
        });
        var start = _time.GetUtcNow();
        var id = QueuedId(await host.SubmitAsync("alice@example.com", ["x@down.test"], OutboundTestHost.Message("alice@example.com", "x@down.test", "Unreachable")));

        var expected = new[] { 300, 600, 1000 };
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            var n = attempt;
            await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { } e && e.Attempts == n, $"attempt {n}");
            var entry = host.Queue.Read(id)!;
            Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(expected[attempt - 1]), entry.NextAttempt);
            Assert.StartsWith("451 4.4.1 connect to 127.0.0.1[127.0.0.1]:", entry.Recipients[0].LastReply, StringComparison.Ordinal);
            _time.Advance(TimeSpan.FromSeconds(expected[attempt - 1]));
        }
        // Attempt 4 runs at 1900 s (< 2000: still deferred), attempt 5 at 2900 s: expired.
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.Read(id) is { Attempts: 4 }, "attempt 4");
        // Attempt 3 (at 900 s, past the 500 s warning time) sent the one delay notice.
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the delay DSN");
        var delay = Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]);
        Assert.Contains("Subject: Delayed Mail (still being retried)", delay, StringComparison.Ordinal);
        Assert.Contains("Action: delayed", delay, StringComparison.Ordinal);
        Assert.Contains("Will-Retry-Until: ", delay, StringComparison.Ordinal);
        Assert.True(host.Queue.Read(id)!.DelayNotified);
        _time.Advance(TimeSpan.FromSeconds(1000));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 2, "the expiry DSN");
        Assert.Null(host.Queue.Read(id));
        var dsn = Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[1]);
        Assert.Contains("Status: 4.4.7", dsn, StringComparison.Ordinal);
        Assert.Contains("Action: failed", dsn, StringComparison.Ordinal);
        Assert.True(_time.GetUtcNow() - start >= TimeSpan.FromSeconds(2000));
    }
}

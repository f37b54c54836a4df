using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Shared.Directory.Caching;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// <see cref="WebmailSignOutBus"/> on the real Redis (<c>MAIL_TEST_REDIS</c>): an announcement reaches the other nodes
/// and not the sender, junk on the channel is ignored, and with Redis down a sign-out still ends the sign-in locally
/// without failing (the DB check is the fallback).
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class WebmailSignOutBusTests(WebmailHostFixture host, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string SharedRedis()
    {
        var redis = Environment.GetEnvironmentVariable(RedisDirectoryCacheTests.RedisEnvironmentVariable);
        Assert.False(string.IsNullOrWhiteSpace(redis), "MAIL_TEST_REDIS must name the test Redis (scripts/services.sh env).");
        return redis;
    }

    private static WebmailSignOutBus NewBus(string configuration) => new(configuration, NullLogger<WebmailSignOutBus>.Instance);

    private static async Task ConnectedAsync(params WebmailSignOutBus[] buses)
    {
        var watch = Stopwatch.StartNew();
        while (!buses.All(b => b.IsConnected))
        {
            Assert.True(watch.Elapsed < Patience, "a bus never connected to Redis");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Publish_ReachesTheOtherNodes_NotTheSender()
    {
        using var a = NewBus(SharedRedis());
        using var b = NewBus(SharedRedis());
        using var c = NewBus(SharedRedis());
        await ConnectedAsync(a, b, c);
        var ids = new[] { WebmailConnectionPool.SignOutIdOf("k1-" + Guid.NewGuid()), WebmailConnectionPool.SignOutIdOf("k2-" + Guid.NewGuid()) };
        var atB = new TaskCompletionSource<IReadOnlyCollection<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atC = new TaskCompletionSource<IReadOnlyCollection<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atA = 0;
        // The channel is shared with every other test run on this Redis: only this test's ids count.
        a.Received += r => { if (r.Contains(ids[0])) { Interlocked.Increment(ref atA); } };
        b.Received += r => { if (r.Contains(ids[0])) { atB.TrySetResult(r); } };
        c.Received += r => { if (r.Contains(ids[0])) { atC.TrySetResult(r); } };

        var watch = Stopwatch.StartNew();
        Assert.True(await a.PublishAsync(ids));
        var received = await atB.Task.WaitAsync(Patience);
        output.WriteLine($"published -> received on the other node after {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(ids.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await atC.Task.WaitAsync(Patience)).Order(StringComparer.Ordinal));

        // The sender's own message comes back to it too (same channel): ignored.
        await Task.Delay(200);
        Assert.Equal(0, atA);
    }

    [Fact]
    public async Task Message_WithoutSignOutIds_IsIgnored()
    {
        using var b = NewBus(SharedRedis());
        await ConnectedAsync(b);
        var got = new List<IReadOnlyCollection<string>>();
        b.Received += r => { lock (got) { got.Add(r); } };
        var valid = WebmailConnectionPool.SignOutIdOf("valid-" + Guid.NewGuid());
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Received += r => { if (r.Contains(valid)) { done.TrySetResult(); } };

        await using var redis = await ConnectionMultiplexer.ConnectAsync(SharedRedis());
        var channel = RedisChannel.Literal(WebmailSignOutBus.Channel);
        await redis.GetSubscriber().PublishAsync(channel, "only-a-node-id");
        await redis.GetSubscriber().PublishAsync(channel, "other-node\nnot-an-id\n" + new string('A', 44) + "\n*" + valid[1..]);
        await redis.GetSubscriber().PublishAsync(channel, "other-node\nnot-an-id\n" + valid);

        // Messages of one connection arrive in order: once the last is in, the junk before it was dropped.
        await done.Task.WaitAsync(Patience);
        lock (got)
        {
            // Other test runs may announce real ids on the shared channel meanwhile; none of the junk got through.
            Assert.Equal([valid], Assert.Single(got, r => r.Contains(valid)));
            Assert.All(got, r => Assert.All(r, id => Assert.Equal(43, id.Length)));
        }
    }

    [Fact]
    public async Task RedisDown_PublishFailsQuietly_AndTheSignOutStillEndsTheSignInOnThisNode()
    {
        // A port nobody listens on: Redis is down.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var bus = NewBus($"127.0.0.1:{port}");
        Assert.True(bus.IsEnabled);
        Assert.False(bus.IsConnected);

        var watch = Stopwatch.StartNew();
        Assert.False(await bus.PublishAsync([WebmailConnectionPool.SignOutIdOf("x")]));
        output.WriteLine($"publish with Redis down failed after {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(watch.Elapsed < Patience);

        var services = host.Services;
        await using var pool = new WebmailConnectionPool(
            services.GetRequiredService<WebmailImapConnector>(), services.GetRequiredService<WebmailCredentialProtector>(),
            services.GetRequiredService<IOptions<WebmailOptions>>(), TimeProvider.System,
            services.GetRequiredService<ILogger<WebmailMailSession>>(), dbFactory: null, signOutBus: bus);
        var key = Guid.NewGuid().ToString("N");
        var principal = services.GetRequiredService<WebmailCredentialProtector>()
            .CreatePrincipal(new WebmailCredentials(MailHostFixture.Alice, MailHostFixture.Password), CookieAuthenticationDefaults.AuthenticationScheme);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new(Mail.Web.Platform.PlatformTicketStore.SessionKeyClaimType, key));
        var told = 0;
        using var signOutWatch = pool.WatchSignOut(principal, () => told++);

        await pool.RevokeAsync([key]).WaitAsync(Patience);

        Assert.Equal(1, told);
        Assert.True(pool.IsSignedOut(principal));
    }
}

using System.Diagnostics;
using System.Net;
using Mail.Protocols.Authentication;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Imap;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// Escalating delays per client address after failed logins (first delay doubled per failure, capped), counted for
/// the address a trusted proxy names in IMAP ID <c>x-originating-ip</c>, and shared by two server instances through a
/// real Redis (<c>MAIL_TEST_REDIS</c>, started by scripts/services.sh on 6380). Delays are scaled down
/// (200 ms first, 700 ms cap) so the test runs in seconds; the production defaults are 2 s and 15 s.
/// </summary>
public sealed class FailureDelayTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private readonly ITestOutputHelper _output;

    public FailureDelayTests(ITestOutputHelper output) => _output = output;

    private static Dictionary<string, string?> Settings(string? redis = null, bool trustLoopback = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Authentication:FirstFailureDelay"] = "00:00:00.200",
            ["Mail:Authentication:MaxFailureDelay"] = "00:00:00.700",
        };
        if (trustLoopback)
        {
            settings["Mail:Authentication:TrustedNetworks:0"] = "127.0.0.0/8";
        }
        else
        {
            settings["Mail:Authentication:TrustLoopbackProxies"] = "false";
        }
        if (redis is not null)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        return settings;
    }

    /// <summary>A random address of TEST-NET-2 (RFC 5737), so parallel runs sharing Redis do not meet.</summary>
    private static IPAddress RandomClient() => IPAddress.Parse($"198.51.{Random.Shared.Next(100, 200)}.{Random.Shared.Next(1, 255)}");

    /// <summary>One failed LOGIN on a fresh connection that first names <paramref name="client"/> in ID; its duration.</summary>
    private static async Task<TimeSpan> FailOnceAsync(MailHostFixture host, IPAddress? client, string password = "wrong")
    {
        await using var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
        if (client is not null)
        {
            Assert.StartsWith("i OK", (await c.CommandAsync($"i ID (\"name\" \"webmail\" \"x-originating-ip\" \"{client}\")"))[^1], StringComparison.Ordinal);
        }
        var watch = Stopwatch.StartNew();
        var reply = await c.CommandAsync($"a LOGIN {MailHostFixture.Alice} {password}");
        watch.Stop();
        Assert.StartsWith(password == "wrong" ? "a NO [AUTHENTICATIONFAILED]" : "a OK", reply[^1], StringComparison.Ordinal);
        return watch.Elapsed;
    }

    [Fact]
    public async Task Failures_FromOneClient_WaitLongerEachTime_UpToTheCap_AndSuccessClears()
    {
        await using var host = await MailHostFixture.StartAsync(Settings());
        var client = RandomClient();
        var times = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            times.Add(await FailOnceAsync(host, client));
        }
        _output.WriteLine("delays: " + string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:F0} ms")));
        Assert.True(times[0] >= First, $"first {times[0]}");
        Assert.True(times[1] >= 2 * First, $"second {times[1]}");
        Assert.True(times[2] >= TimeSpan.FromMilliseconds(700), $"third {times[2]}");
        Assert.True(times[3] >= TimeSpan.FromMilliseconds(700), $"fourth {times[3]}");
        var throttle = host.Services.GetRequiredService<AuthFailureThrottle>();
        Assert.Equal(4, await throttle.FailuresAsync(client));
        // Another address is not slowed by this one's failures.
        Assert.Equal(0, await throttle.FailuresAsync(RandomClient()));
        await FailOnceAsync(host, client, MailHostFixture.Password);
        Assert.Equal(0, await throttle.FailuresAsync(client));
    }

    [Fact]
    public async Task Failures_FromOneClient_InParallel_AreAnsweredOneAfterAnother()
    {
        await using var host = await MailHostFixture.StartAsync(Settings());
        var client = RandomClient();
        var throttle = host.Services.GetRequiredService<AuthFailureThrottle>();
        var connections = new List<ImapTestConnection>();
        try
        {
            // Six connections that all name the same client, then six wrong passwords at once.
            for (var i = 0; i < 6; i++)
            {
                var c = await ImapTestConnection.ConnectAsync(host.Endpoint(MailEndpoints.Imap));
                connections.Add(c);
                Assert.StartsWith("i OK", (await c.CommandAsync($"i ID (\"name\" \"webmail\" \"x-originating-ip\" \"{client}\")"))[^1], StringComparison.Ordinal);
            }
            var times = await Task.WhenAll(connections.Select(async c =>
            {
                var watch = Stopwatch.StartNew();
                var reply = await c.CommandAsync($"a LOGIN {MailHostFixture.Alice} wrong");
                Assert.StartsWith("a NO [AUTHENTICATIONFAILED]", reply[^1], StringComparison.Ordinal);
                return watch.Elapsed;
            }));

            _output.WriteLine("delays: " + string.Join(", ", times.Order().Select(t => $"{t.TotalMilliseconds:F0} ms")));
            // Queued: 200, 600, 1300, 2000, 2700, 3400 ms. Before, all six waited at once (at most the 700 ms cap).
            Assert.True(times.Max() >= TimeSpan.FromSeconds(2), $"the slowest of six parallel failures waited only {times.Max()}");
            Assert.Equal(6, await throttle.FailuresAsync(client));
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
        await FailOnceAsync(host, client, MailHostFixture.Password);
        Assert.Equal(0, await throttle.FailuresAsync(client));
    }

    [Fact]
    public async Task OriginatingIp_FromUntrustedPeer_IsIgnored()
    {
        await using var host = await MailHostFixture.StartAsync(Settings(trustLoopback: false));
        var client = RandomClient();
        await FailOnceAsync(host, client);
        var throttle = host.Services.GetRequiredService<AuthFailureThrottle>();
        Assert.Equal(0, await throttle.FailuresAsync(client));
        Assert.Equal(1, await throttle.FailuresAsync(IPAddress.Loopback));
    }

    [Fact]
    public async Task TwoServers_SharingRedis_CountTheSameClientTogether()
    {
        var redis = Environment.GetEnvironmentVariable("MAIL_TEST_REDIS");
        Assert.False(string.IsNullOrWhiteSpace(redis), "MAIL_TEST_REDIS must name the test Redis (scripts/services.sh env).");
        // The nodes must see each other's counts even on a loaded CI machine: a Redis reply slower than the 500 ms
        // production timeout would make a node count in its own memory (see AuthFailureThrottleRedisTimeoutTests).
        var shared = redis + ",syncTimeout=10000,asyncTimeout=10000";
        await using var nodeA = await MailHostFixture.StartAsync(Settings(shared));
        await using var nodeB = await MailHostFixture.StartAsync(Settings(shared));
        var throttleA = nodeA.Services.GetRequiredService<AuthFailureThrottle>();
        var throttleB = nodeB.Services.GetRequiredService<AuthFailureThrottle>();
        Assert.True(throttleA.Shared && throttleB.Shared);
        var client = RandomClient();

        var onA = await FailOnceAsync(nodeA, client);
        var onB = await FailOnceAsync(nodeB, client);
        var againA = await FailOnceAsync(nodeA, client);
        _output.WriteLine($"node A {onA.TotalMilliseconds:F0} ms, node B {onB.TotalMilliseconds:F0} ms, node A {againA.TotalMilliseconds:F0} ms");

        Assert.True(onB >= 2 * First, $"node B's first failure waited {onB}: it did not see node A's failure");
        Assert.True(againA >= TimeSpan.FromMilliseconds(700), $"third failure waited {againA}");
        Assert.Equal(3, await throttleB.FailuresAsync(client));
        Assert.Equal(3, await throttleA.FailuresAsync(client));

        await FailOnceAsync(nodeB, client, MailHostFixture.Password);
        Assert.Equal(0, await throttleA.FailuresAsync(client));
    }
}

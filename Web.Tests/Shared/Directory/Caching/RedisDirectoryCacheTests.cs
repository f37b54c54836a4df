using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Caching;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;

namespace Mail.Web.Tests.Shared.Directory.Caching;

/// <summary>
/// Two "nodes" (two service providers) sharing one real Redis. Node B has its own, empty database, so every
/// user it finds came from Redis and not from its backend; B keeps no negative answers (a real node shares A's
/// database, B's empty one must not publish "not found" for A's users).
/// </summary>
public sealed class RedisDirectoryCacheTests
{
    /// <summary>Environment variable with the Redis endpoint (<c>127.0.0.1:6380</c>, set by scripts/services-redis.sh).</summary>
    public const string RedisEnvironmentVariable = "MAIL_TEST_REDIS";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static string SharedRedis()
    {
        var redis = Environment.GetEnvironmentVariable(RedisEnvironmentVariable);
        return string.IsNullOrWhiteSpace(redis)
            ? throw new InvalidOperationException(
                $"Redis tests need the environment variable {RedisEnvironmentVariable}, e.g. '127.0.0.1:6380' " +
                "(scripts/services-redis.sh starts redis-server and prints it; scripts/test.sh sets it).")
            : redis;
    }

    [Fact]
    public async Task Lookup_OnNodeA_ServesNodeBFromRedis_AndWriteOnA_InvalidatesB()
    {
        var redis = SharedRedis();
        await using var a = await NodeAsync(redis, primary: true);
        await using var b = await NodeAsync(redis, primary: false);
        var ct = CancellationToken.None;
        var domain = Guid.NewGuid().ToString("N")[..12] + ".test";
        var alice = "alice@" + domain;
        await SeedAsync(a, domain, alice);

        Assert.NotNull(await a.Get<IMailDirectory>().FindUserAsync(alice, ct));
        Assert.True(await a.Get<IMailDirectory>().IsLocalDomainAsync(domain, ct));

        var fromRedis = await b.Get<IMailDirectory>().FindUserAsync(alice, ct);
        Assert.NotNull(fromRedis);
        Assert.Equal(alice, fromRedis.Address);
        Assert.True(await b.Get<IMailDirectory>().IsLocalDomainAsync(domain, ct));

        Assert.Equal(DirectoryChangeResult.Done, await a.Get<IDirectoryAdmin>().AddAliasAsync("info@" + domain, alice, ct));

        // The write deleted the Redis keys and told B to drop its memory: B now asks its own (empty) backend.
        Assert.True(await EventuallyAsync(async () => await b.Get<IMailDirectory>().FindUserAsync(alice, ct) is null),
            "node B still serves the user after node A's write");
        // A reads its backend again and refills Redis; B sees the new alias through Redis.
        Assert.Equal(RecipientKind.Local, (await a.Get<IMailDirectory>().ResolveRecipientAsync("info@" + domain, ct)).Kind);
        Assert.NotNull(await a.Get<IMailDirectory>().FindUserAsync(alice, ct));
        Assert.NotNull(await b.Get<IMailDirectory>().FindUserAsync(alice, ct));
    }

    [Fact]
    public async Task RedisKilled_LookupsUseBackend_AndRedisBack_IsUsedAgain()
    {
        var port = FreePort();
        using var server = RedisServer.Start(port);
        var redis = $"127.0.0.1:{port}";
        await using var a = await NodeAsync(redis, primary: true);
        await using var b = await NodeAsync(redis, primary: false);
        var ct = CancellationToken.None;
        var domain = Guid.NewGuid().ToString("N")[..12] + ".test";
        var alice = "alice@" + domain;
        var carol = "carol@" + domain;
        await SeedAsync(a, domain, alice);
        Assert.NotNull(await a.Get<IMailDirectory>().FindUserAsync(alice, ct));
        Assert.NotNull(await b.Get<IMailDirectory>().FindUserAsync(alice, ct));

        server.Kill();
        Assert.True(await EventuallyAsync(() => Task.FromResult(!a.Get<RedisDirectoryCache>().IsConnected)), "client still connected after kill");

        // Writes and lookups still work, from the backend.
        var watch = Stopwatch.StartNew();
        Assert.Equal(DirectoryChangeResult.Done, await a.Get<IDirectoryAdmin>().AddUserAsync(carol, "password", ct));
        Assert.NotNull(await a.Get<IMailDirectory>().FindUserAsync(alice, ct));
        Assert.True(await a.Get<IMailDirectory>().IsLocalDomainAsync(domain, ct));
        // B cannot reach Redis and its own backend is empty: a plain "not found", no exception.
        Assert.Null(await b.Get<IMailDirectory>().FindUserAsync(carol, ct));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"lookups during the outage took {watch.Elapsed}");

        server.Restart();
        Assert.True(await EventuallyAsync(() => Task.FromResult(a.Get<RedisDirectoryCache>().IsConnected)), "node A did not reconnect");
        Assert.True(await EventuallyAsync(() => Task.FromResult(b.Get<RedisDirectoryCache>().IsConnected)), "node B did not reconnect");
        Assert.NotNull(await a.Get<IMailDirectory>().FindUserAsync(carol, ct));
        var fromRedis = await b.Get<IMailDirectory>().FindUserAsync(carol, ct);
        Assert.NotNull(fromRedis);
        Assert.Equal(carol, fromRedis.Address);
    }

    private static async Task<PlatformTestServices> NodeAsync(string redis, bool primary)
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis };
        if (!primary)
        {
            settings["Mail:Directory:NegativeCacheSeconds"] = "0";
        }
        var node = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite, extraSettings: settings);
        _ = node.Get<IMailDirectory>();
        Assert.True(await EventuallyAsync(() => Task.FromResult(node.Get<RedisDirectoryCache>().IsConnected)), $"node did not connect to Redis at {redis}");
        return node;
    }

    private static async Task SeedAsync(PlatformTestServices node, string domain, string user)
    {
        var admin = node.Get<IDirectoryAdmin>();
        Assert.True(await admin.AddDomainAsync(domain, CancellationToken.None));
        Assert.Equal(DirectoryChangeResult.Done, await admin.AddUserAsync(user, "password", CancellationToken.None));
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(50);
        }
        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A private, in-memory redis-server on one port, which the test can kill and start again.</summary>
    private sealed class RedisServer : IDisposable
    {
        private readonly int _port;
        private Process? _process;

        private RedisServer(int port) => _port = port;

        public static RedisServer Start(int port)
        {
            var server = new RedisServer(port);
            server.Restart();
            return server;
        }

        public void Restart()
        {
            Kill();
            var start = new ProcessStartInfo("redis-server")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no" })
            {
                start.ArgumentList.Add(arg);
            }
            try
            {
                _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("redis-server is not installed (scripts/services-redis.sh install)", ex);
            }
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + Patience;
            while (!Answers())
            {
                if (DateTime.UtcNow > deadline || _process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server did not listen on port {_port}");
                }
                Thread.Sleep(50);
            }
        }

        private bool Answers()
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, _port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public void Kill()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                _process.WaitForExit();
            }
            _process?.Dispose();
            _process = null;
        }

        public void Dispose() => Kill();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// A Redis that is connected but does not answer in time (a real redis-server of this test's own, held by
/// <c>CLIENT PAUSE</c>) makes StackExchange.Redis throw <c>RedisTimeoutException</c>, which is a
/// <see cref="TimeoutException"/> and not a <c>RedisException</c>. The throttle must count in memory then, never
/// turn the failed login into an internal error (CI once saw <c>NO [SERVERBUG]</c> from exactly that).
/// </summary>
public sealed class AuthFailureThrottleRedisTimeoutTests
{
    [Fact]
    public async Task RecordFailure_WhileRedisIsPaused_FallsBackToMemory_InsteadOfThrowing()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var options = Options.Create(new AuthenticationOptions
        {
            FirstFailureDelay = TimeSpan.FromMilliseconds(200),
            MaxFailureDelay = TimeSpan.FromMilliseconds(700),
        });
        using var throttle = new AuthFailureThrottle(options, TimeProvider.System, NullLogger<AuthFailureThrottle>.Instance, redis.Configuration);
        var client = IPAddress.Parse("198.51.100.7");
        Assert.Equal(TimeSpan.FromMilliseconds(200), await throttle.RecordFailureAsync(client));

        await redis.PauseAsync(TimeSpan.FromSeconds(3));
        // Counted in this node's memory while Redis is silent: the first failure it knows of.
        var watch = Stopwatch.StartNew();
        var delay = await throttle.RecordFailureAsync(client);
        Assert.True(delay == TimeSpan.FromMilliseconds(200), $"delay {delay} after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(1, await throttle.FailuresAsync(client));
        await throttle.ClearAsync(client);
    }

    /// <summary>A redis-server on a free loopback port, in memory only, killed on dispose.</summary>
    private sealed class PrivateRedis : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly int _port;

        private PrivateRedis(Process process, int port)
        {
            _process = process;
            _port = port;
            Configuration = $"127.0.0.1:{port}";
        }

        public string Configuration { get; }

        public static async Task<PrivateRedis> StartAsync()
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var info = new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync(IPAddress.Loopback, port);
                    return new PrivateRedis(process, port);
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }

        /// <summary>Holds every client's commands for <paramref name="duration"/> (redis-cli CLIENT PAUSE ... ALL, Redis ≥ 6.2).</summary>
        public async Task PauseAsync(TimeSpan duration)
        {
            var info = new ProcessStartInfo("redis-cli")
            {
                ArgumentList = { "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL" },
                RedirectStandardOutput = true,
            };
            using var cli = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
            var reply = await cli.StandardOutput.ReadToEndAsync();
            await cli.WaitForExitAsync();
            Assert.Equal("OK", reply.Trim());
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}

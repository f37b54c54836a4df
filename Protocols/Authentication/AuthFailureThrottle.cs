using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Mail.Protocols.Authentication;

/// <summary>
/// Counts failed authentications per client address and turns the count into a reply delay: the n-th failure
/// within <see cref="AuthenticationOptions.FailureMemory"/> waits <c>FirstFailureDelay × 2^(n-1)</c>, at most
/// <see cref="AuthenticationOptions.MaxFailureDelay"/> (2, 4, 8, 15, 15 ... s by default); a success clears the count.
/// Failures of one address are answered one after another: a failure that comes while an earlier one still waits
/// waits for that one first, then its own delay, so parallel connections do not multiply the guesses per minute
/// (20 wrong passwords at once from one address took 20 s, not the 270 s of 20 in a row). Successes never wait.
/// </summary>
/// <remarks>
/// With <c>ConnectionStrings:Redis</c> the count lives in Redis (key <c>mail:auth:v1:fail:&lt;address&gt;</c>, INCR and
/// PEXPIRE in one script), so every node sees the failures of the others. When Redis cannot be reached the count falls
/// back to this node's memory (logged once per outage); authentication never fails because of Redis. A timeout
/// (<c>RedisTimeoutException</c>, a <see cref="TimeoutException"/>, not a <see cref="RedisException"/>) counts as unreachable.
/// </remarks>
public sealed class AuthFailureThrottle : IDisposable
{
    /// <summary>Prefix of the Redis keys.</summary>
    public const string KeyPrefix = "mail:auth:v1:fail:";

    private const string IncrementScript = "local n = redis.call('INCR', KEYS[1]) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return n";

    private readonly AuthenticationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuthFailureThrottle> _logger;
    private readonly ConcurrentDictionary<IPAddress, (int Count, DateTimeOffset Expires)> _memory = new();
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _replySlots = new();
    private readonly ConnectionMultiplexer? _redis;
    private int _redisDown;

    /// <param name="options">Delays and memory.</param>
    /// <param name="time">Clock for the delays and for the in-memory expiry.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="redisConfiguration">StackExchange.Redis configuration (<c>ConnectionStrings:Redis</c>), or null to count in memory.
    /// Its <c>syncTimeout</c>/<c>asyncTimeout</c> (milliseconds) default to 500 here when it does not name them.</param>
    public AuthFailureThrottle(IOptions<AuthenticationOptions> options, TimeProvider time, ILogger<AuthFailureThrottle> logger, string? redisConfiguration = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(redisConfiguration))
        {
            var config = ConfigurationOptions.Parse(redisConfiguration);
            config.AbortOnConnectFail = false;
            config.ConnectTimeout = 2000;
            // A login should not wait long on Redis: 500 ms unless the configuration string names its own timeouts.
            if (!redisConfiguration.Contains("syncTimeout=", StringComparison.OrdinalIgnoreCase))
            {
                config.SyncTimeout = 500;
            }
            if (!redisConfiguration.Contains("asyncTimeout=", StringComparison.OrdinalIgnoreCase))
            {
                config.AsyncTimeout = 500;
            }
            config.BacklogPolicy = BacklogPolicy.FailFast;
            _redis = ConnectionMultiplexer.Connect(config);
        }
    }

    /// <summary>True when the count is shared through Redis.</summary>
    public bool Shared => _redis is not null;

    /// <summary>The delay for the n-th failure (n ≥ 1).</summary>
    public TimeSpan DelayFor(long failures)
    {
        if (failures <= 0 || _options.FirstFailureDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.FirstFailureDelay.Ticks * factor, TimeSpan.MaxValue.Ticks / 2));
        return delay < _options.MaxFailureDelay ? delay : _options.MaxFailureDelay;
    }

    /// <summary>
    /// Counts one failure from <paramref name="client"/>; returns the delay to wait before replying: its own
    /// <see cref="DelayFor"/>, after the replies to this address's failures that are still waiting.
    /// </summary>
    public async Task<TimeSpan> RecordFailureAsync(IPAddress client)
    {
        var count = await IncrementRedisAsync(client) ?? IncrementMemory(client);
        return QueueReply(client, DelayFor(count));
    }

    /// <summary>The current failure count of <paramref name="client"/> (0 when none or expired).</summary>
    public async Task<long> FailuresAsync(IPAddress client)
    {
        if (_redis is not null)
        {
            try
            {
                var value = await _redis.GetDatabase().StringGetAsync(Key(client));
                RedisUp();
                return value.HasValue ? (long)value : 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisFailed(ex);
            }
        }
        return _memory.TryGetValue(client, out var entry) && entry.Expires > _time.GetUtcNow() ? entry.Count : 0;
    }

    /// <summary>Forgets the failures of <paramref name="client"/> (after a successful login).</summary>
    public async Task ClearAsync(IPAddress client)
    {
        _memory.TryRemove(client, out _);
        _replySlots.TryRemove(client, out _);
        if (_redis is not null)
        {
            try
            {
                await _redis.GetDatabase().KeyDeleteAsync(Key(client));
                RedisUp();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisFailed(ex);
            }
        }
    }

    /// <summary>Waits <paramref name="delay"/> on the injected clock.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, _time, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _redis?.Dispose();

    private static RedisKey Key(IPAddress client) => KeyPrefix + client;

    private async Task<long?> IncrementRedisAsync(IPAddress client)
    {
        if (_redis is null)
        {
            return null;
        }
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(IncrementScript, [Key(client)], [(long)_options.FailureMemory.TotalMilliseconds]);
            RedisUp();
            return (long)result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisFailed(ex);
            return null;
        }
    }

    private long IncrementMemory(IPAddress client)
    {
        var now = _time.GetUtcNow();
        var entry = _memory.AddOrUpdate(
            client,
            _ => (1, now + _options.FailureMemory),
            (_, old) => (old.Expires > now ? old.Count + 1 : 1, now + _options.FailureMemory));
        DropExpired(_memory, e => e.Expires, now);
        return entry.Count;
    }

    /// <summary>The reply time of this failure: <paramref name="delay"/> after now, or after the last queued reply of the address.</summary>
    private TimeSpan QueueReply(IPAddress client, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        var now = _time.GetUtcNow();
        var slot = _replySlots.AddOrUpdate(client, _ => now + delay, (_, previous) => (previous > now ? previous : now) + delay);
        DropExpired(_replySlots, s => s, now);
        return slot - now;
    }

    /// <summary>Past 100,000 addresses, forgets the entries of <paramref name="map"/> that ended by <paramref name="now"/>.</summary>
    private static void DropExpired<T>(ConcurrentDictionary<IPAddress, T> map, Func<T, DateTimeOffset> end, DateTimeOffset now)
    {
        if (map.Count <= 100_000)
        {
            return;
        }
        foreach (var (key, value) in map)
        {
            if (end(value) <= now)
            {
                map.TryRemove(key, out _);
            }
        }
    }

    private void RedisUp() => Interlocked.Exchange(ref _redisDown, 0);

    private void RedisFailed(Exception ex)
    {
        if (Interlocked.Exchange(ref _redisDown, 1) == 0)
        {
            AuthenticationLog.RedisUnavailable(_logger, ex);
        }
    }
}

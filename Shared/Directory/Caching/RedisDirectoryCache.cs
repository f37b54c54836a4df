using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Mail.Shared.Directory.Caching;

/// <summary>
/// Shared second-level cache of directory answers in Redis (<c>ConnectionStrings:Redis</c>), between each node's
/// in-memory cache and the directory backend: lookups check memory, then Redis, then the backend.
/// </summary>
/// <remarks>
/// <para><b>Keys</b> are <c>mail:dir:v1:&lt;provider&gt;:&lt;kind&gt;:&lt;normalized key&gt;</c>; values are compact
/// System.Text.Json UTF-8 with the positive or negative TTL of <c>Mail:Directory</c> as the Redis expiry.
/// Only directory answers are stored (users without password hashes, alias targets, domain flags): password hashes
/// never go to Redis, so authentication always reads the backend.</para>
/// <para><b>Writes</b> on any node delete every <c>mail:dir:v1:*</c> key (SCAN + DEL; writes are rare admin actions)
/// and publish on channel <c>mail:dir:v1:invalidate</c> (payload: the writer's random node id), on which every other node clears its in-memory cache, so other
/// nodes see a change at once. A node that read the backend just before another node's write may put the old answer
/// back; it lives at most one TTL.</para>
/// <para><b>Outages</b>: the connection uses <c>abortConnect=false</c> and short timeouts
/// (<see cref="TimeoutMilliseconds"/>, <see cref="ConnectTimeoutMilliseconds"/>); any Redis error makes the call behave as a miss (reads) or a no-op
/// (writes), never fails a lookup, and is logged once per outage. The client reconnects on its own.</para>
/// </remarks>
public sealed class RedisDirectoryCache : IDisposable
{
    /// <summary>Prefix of every key and of the invalidation channel.</summary>
    public const string KeyPrefix = "mail:dir:v1:";

    /// <summary>Sync and async timeout of Redis operations, in milliseconds.</summary>
    public const int TimeoutMilliseconds = 500;

    /// <summary>How long the constructor waits for the first connection, in milliseconds (then it connects in the background).</summary>
    public const int ConnectTimeoutMilliseconds = 2000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly RedisChannel InvalidateChannel = RedisChannel.Literal(KeyPrefix + "invalidate");

    private readonly ConnectionMultiplexer _redis;
    private readonly ILogger<RedisDirectoryCache> _logger;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private int _down;

    /// <summary>Connects (in the background when Redis is not up yet).</summary>
    /// <param name="configuration">StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    /// <param name="logger">Logger.</param>
    public RedisDirectoryCache(string configuration, ILogger<RedisDirectoryCache> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        _logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = ConnectTimeoutMilliseconds;
        options.SyncTimeout = TimeoutMilliseconds;
        options.AsyncTimeout = TimeoutMilliseconds;
        options.ConnectRetry = 1;
        // While disconnected, fail at once instead of queueing commands until they time out.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        _redis = ConnectionMultiplexer.Connect(options);
        try
        {
            // Fire-and-forget: the client renews the subscription itself after every reconnect.
            // Messages carry the sender's id: this node cleared its own memory already when it wrote.
            _redis.GetSubscriber().Subscribe(InvalidateChannel, (_, sender) =>
            {
                if (sender != _nodeId)
                {
                    Invalidated?.Invoke();
                }
            }, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Down(ex);
        }
    }

    /// <summary>True while the connection to Redis is up.</summary>
    public bool IsConnected => _redis.IsConnected;

    /// <summary>Raised (on a Redis thread) when any node wrote to the directory: clear the in-memory cache.</summary>
    public event Action? Invalidated;

    /// <summary>The cached value and its remaining time to live, or <c>null</c> on a miss or a Redis error.</summary>
    public async Task<(T Value, TimeSpan Ttl)?> GetAsync<T>(string key) where T : class
    {
        try
        {
            var hit = await _redis.GetDatabase().StringGetWithExpiryAsync(KeyPrefix + key);
            Up();
            if (hit.Value.IsNull || JsonSerializer.Deserialize<T>((byte[])hit.Value!, Json) is not { } value)
            {
                return null;
            }
            return (value, hit.Expiry ?? TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException or ObjectDisposedException)
        {
            Down(ex);
            return null;
        }
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="ttl"/> (nothing when it is not positive).</summary>
    public async Task SetAsync<T>(string key, T value, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await _redis.GetDatabase().StringSetAsync(KeyPrefix + key, JsonSerializer.SerializeToUtf8Bytes(value, Json), ttl);
            Up();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Down(ex);
        }
    }

    /// <summary>Deletes every directory key and tells every node to clear its in-memory cache.</summary>
    public async Task InvalidateAllAsync()
    {
        try
        {
            var db = _redis.GetDatabase();
            foreach (var endpoint in _redis.GetEndPoints())
            {
                var server = _redis.GetServer(endpoint);
                if (!server.IsConnected || server.IsReplica)
                {
                    continue;
                }
                var batch = new List<RedisKey>(256);
                await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*", pageSize: 1000))
                {
                    batch.Add(key);
                    if (batch.Count == 256)
                    {
                        await db.KeyDeleteAsync([.. batch]);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0)
                {
                    await db.KeyDeleteAsync([.. batch]);
                }
            }
            await _redis.GetSubscriber().PublishAsync(InvalidateChannel, _nodeId);
            Up();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Down(ex);
        }
    }

    private void Up()
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            DirectoryCacheLog.RedisBack(_logger);
        }
    }

    private void Down(Exception ex)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            DirectoryCacheLog.RedisUnavailable(_logger, ex.GetType().Name);
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _redis.Dispose();
}

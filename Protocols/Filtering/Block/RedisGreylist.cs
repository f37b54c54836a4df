using System.Net;
using StackExchange.Redis;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// Greylisting shared by every node through Redis (<c>ConnectionStrings:Redis</c>): the same triplets, delay,
/// retry window and pass lifetime as <see cref="Greylist"/>, one hash per triplet (key
/// <c>mail:greylist:v1:NETWORK|sender|recipient</c>, fields <c>first</c>, <c>last</c> in Unix milliseconds and
/// <c>passed</c>) updated by one Lua script, with a PEXPIRE of the retry window (pending) or of the pass lifetime
/// (passed), so Redis forgets stale triplets by itself (no <see cref="GreylistOptions.MaxEntries"/> here).
/// Time comes from the node's <see cref="TimeProvider"/>: nodes must have synchronized clocks.
/// </summary>
public sealed class RedisGreylist : IDisposable
{
    /// <summary>Prefix of the Redis keys.</summary>
    public const string KeyPrefix = "mail:greylist:v1:";

    private const string Script = """
        local now = tonumber(ARGV[1])
        local delay = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local life = tonumber(ARGV[4])
        local e = redis.call('HMGET', KEYS[1], 'first', 'last', 'passed')
        local function restart()
          redis.call('HSET', KEYS[1], 'first', now, 'last', now, 'passed', 0)
          redis.call('PEXPIRE', KEYS[1], window)
          return delay
        end
        if not e[1] then return restart() end
        local first = tonumber(e[1])
        local last = tonumber(e[2])
        if e[3] == '1' then
          if now - last <= life then
            redis.call('HSET', KEYS[1], 'last', now)
            redis.call('PEXPIRE', KEYS[1], life)
            return -1
          end
          return restart()
        end
        local waited = now - first
        if waited > window then return restart() end
        if waited >= delay then
          redis.call('HSET', KEYS[1], 'last', now, 'passed', 1)
          redis.call('PEXPIRE', KEYS[1], life)
          return -1
        end
        return delay - waited
        """;

    private readonly GreylistOptions _options;
    private readonly TimeProvider _time;
    private readonly ConnectionMultiplexer _redis;

    /// <param name="options">Delay, window and lifetime.</param>
    /// <param name="time">Clock.</param>
    /// <param name="redisConfiguration">StackExchange.Redis configuration string.</param>
    public RedisGreylist(GreylistOptions options, TimeProvider time, string redisConfiguration)
    {
        _options = options;
        _time = time;
        var config = ConfigurationOptions.Parse(redisConfiguration);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = 2000;
        config.SyncTimeout = 1000;
        config.AsyncTimeout = 1000;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        _redis = ConnectionMultiplexer.Connect(config);
    }

    /// <summary>
    /// Null when the triplet passes, else how long the client still has to wait.
    /// Throws <see cref="RedisException"/> when Redis cannot answer (the caller falls back to memory).
    /// </summary>
    public async Task<TimeSpan?> CheckAsync(IPAddress client, string sender, string recipient)
    {
        var key = KeyPrefix + Greylist.Network(client) + "|" + sender.ToLowerInvariant() + "|" + recipient.ToLowerInvariant();
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(Script, [key],
        [
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)_options.DelaySeconds * 1000,
            (long)_options.RetryWindowHours * 3_600_000,
            (long)_options.PassLifetimeDays * 86_400_000,
        ]);
        var wait = (long)result;
        return wait < 0 ? null : TimeSpan.FromMilliseconds(wait);
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _redis.Dispose();
}

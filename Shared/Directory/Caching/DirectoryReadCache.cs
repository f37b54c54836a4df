using System.Collections.Concurrent;

namespace Mail.Shared.Directory.Caching;

/// <summary>
/// In-memory read-through cache of directory answers that outlives its TTL for outages: an entry is
/// <em>fresh</em> for its TTL (positive or negative), then <em>stale</em> until <see cref="MaxStale"/>; stale
/// entries are served only when the backend cannot be reached (<see cref="DirectoryUnavailableException"/>).
/// </summary>
/// <remarks>
/// <para>Keys are strings chosen by the caller (normalized addresses, <c>@domain</c>); writes invalidate the keys
/// they change with <see cref="Remove"/>. Writes made by other processes are seen once the TTL has passed, or at once
/// when a <see cref="RedisDirectoryCache"/> is configured (its invalidation message clears this cache on every node).</para>
/// <para>Bounded by <see cref="MaxEntries"/>: when it is exceeded, the entries older than the median age are
/// dropped in one sweep (amortized O(1) per insert). Thread-safe; concurrent misses of one key may each load it.</para>
/// </remarks>
/// <typeparam name="TValue">Cached answer; immutable.</typeparam>
public sealed class DirectoryReadCache<TValue>
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Lock _sweepLock = new();

    /// <summary>Creates a cache.</summary>
    /// <param name="positiveTtl">Freshness of found answers.</param>
    /// <param name="negativeTtl">Freshness of "not found" answers.</param>
    /// <param name="maxStale">How long past its TTL an entry may be served during an outage.</param>
    /// <param name="maxEntries">Most entries kept.</param>
    /// <param name="time">Clock.</param>
    public DirectoryReadCache(TimeSpan positiveTtl, TimeSpan negativeTtl, TimeSpan maxStale, int maxEntries, TimeProvider time)
    {
        PositiveTtl = positiveTtl;
        NegativeTtl = negativeTtl;
        MaxStale = maxStale;
        MaxEntries = Math.Max(16, maxEntries);
        _time = time;
    }

    public TimeSpan PositiveTtl { get; }

    public TimeSpan NegativeTtl { get; }

    public TimeSpan MaxStale { get; }

    public int MaxEntries { get; }

    /// <summary>Number of cached entries (fresh and stale).</summary>
    public int Count => _entries.Count;

    private sealed record Entry(TValue Value, long StoredTicks, long FreshUntilTicks, long StaleUntilTicks);

    /// <summary>The cached value when it is still fresh.</summary>
    public bool TryGetFresh(string key, out TValue value)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_entries.TryGetValue(key, out var entry) && now < entry.FreshUntilTicks)
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>The cached value, fresh or stale (within <see cref="MaxStale"/> past its TTL).</summary>
    public bool TryGetStale(string key, out TValue value)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_entries.TryGetValue(key, out var entry) && now < entry.StaleUntilTicks)
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Stores an answer; <paramref name="found"/> picks the positive or negative TTL. A zero TTL stores nothing.</summary>
    public void Set(string key, TValue value, bool found)
    {
        var ttl = found ? PositiveTtl : NegativeTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }
        var now = _time.GetUtcNow().UtcTicks;
        var freshUntil = now + ttl.Ticks;
        _entries[key] = new Entry(value, now, freshUntil, freshUntil + MaxStale.Ticks);
        if (_entries.Count > MaxEntries)
        {
            Sweep();
        }
    }

    /// <summary>Forgets <paramref name="key"/> (after a write that changes it).</summary>
    public void Remove(string key) => _entries.TryRemove(key, out _);

    /// <summary>Forgets everything.</summary>
    public void Clear() => _entries.Clear();

    private void Sweep()
    {
        lock (_sweepLock)
        {
            if (_entries.Count <= MaxEntries)
            {
                return;
            }
            var now = _time.GetUtcNow().UtcTicks;
            var ages = _entries.Values.Select(e => e.StoredTicks).Order().ToArray();
            var cutoff = ages[ages.Length / 2];
            foreach (var (key, entry) in _entries)
            {
                if (entry.StoredTicks <= cutoff || now >= entry.StaleUntilTicks)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }
}

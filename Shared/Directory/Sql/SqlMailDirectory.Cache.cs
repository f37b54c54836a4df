using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Mail.Shared.Directory.Sql;

/// <summary>The read-through cache: one entry per looked-up address and per domain.</summary>
public sealed partial class SqlMailDirectory
{
    /// <summary>What the directory holds for one exact (normalized) address.</summary>
    private sealed record AddressEntry(DirectoryUser? User, IReadOnlyList<string> AliasTargets)
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public bool Found => User is not null || AliasTargets.Count > 0;
    }

    private sealed record AddressKey(string Address);

    /// <summary>A domain answer (also as stored in Redis).</summary>
    /// <param name="Known">True when the name is a local domain or an alias domain.</param>
    /// <param name="Name">Canonical domain (the alias domain's target), empty when unknown.</param>
    /// <param name="Active">False when the canonical domain is disabled.</param>
    /// <param name="CatchAll">Catch-all address of the canonical domain, or null.</param>
    private sealed record DomainEntry(bool Known, string Name, bool Active, string? CatchAll)
    {
        public static DomainEntry Unknown { get; } = new(false, "", false, null);
    }

    private sealed record DomainKey(string Domain);

    private CancellationTokenSource _generation = new();
    private readonly Lock _generationLock = new();

    /// <summary>Drops every cached entry here, in Redis and (through Redis) on every other node; called after each write.</summary>
    private async Task InvalidateCacheAsync()
    {
        InvalidateMemory();
        if (_shared is not null)
        {
            await _shared.InvalidateAllAsync();
        }
    }

    private void InvalidateMemory()
    {
        CancellationTokenSource old;
        lock (_generationLock)
        {
            old = _generation;
            _generation = new CancellationTokenSource();
        }
        // Not disposed: a reader may still hold its token to check or register on.
        old.Cancel();
    }

    private CancellationToken CurrentGeneration()
    {
        lock (_generationLock)
        {
            return _generation.Token;
        }
    }

    private async Task<bool> IsLocalDomainCoreAsync(string domain, CancellationToken cancellationToken) =>
        (await LookupDomainAsync(domain, cancellationToken)).Known;

    /// <summary>The domain, or the canonical domain of an alias domain, with its status and catch-all.</summary>
    private async Task<DomainEntry> LookupDomainAsync(string domain, CancellationToken cancellationToken)
    {
        var key = new DomainKey(domain);
        if (_cache.TryGetValue(key, out DomainEntry? cached) && cached is not null)
        {
            return cached;
        }
        var generation = CurrentGeneration();
        var sharedKey = "sql:d2:" + domain;
        if (_shared is not null && await _shared.GetAsync<DomainEntry>(sharedKey) is { } hit)
        {
            Store(key, hit.Value, hit.Value.Known, generation, hit.Ttl);
            return hit.Value;
        }
        var entry = await RunAsync(async db =>
        {
            var canonical = await db.DomainAliases.AsNoTracking().Where(a => a.Alias == domain).Select(a => a.Domain).FirstOrDefaultAsync(cancellationToken) ?? domain;
            var row = await db.Domains.AsNoTracking().Where(d => d.Name == canonical).FirstOrDefaultAsync(cancellationToken);
            return row is null ? DomainEntry.Unknown : new DomainEntry(true, row.Name, row.Enabled, row.CatchAll);
        }, cancellationToken);
        Store(key, entry, entry.Known, generation);
        await StoreSharedAsync(sharedKey, entry, entry.Known, generation);
        return entry;
    }

    private async Task<AddressEntry> LookupAddressAsync(string address, CancellationToken cancellationToken)
    {
        var key = new AddressKey(address);
        if (_cache.TryGetValue(key, out AddressEntry? entry) && entry is not null)
        {
            return entry;
        }
        var generation = CurrentGeneration();
        var sharedKey = "sql:a:" + address;
        if (_shared is not null && await _shared.GetAsync<AddressEntry>(sharedKey) is { } hit)
        {
            Store(key, hit.Value, hit.Value.Found, generation, hit.Ttl);
            return hit.Value;
        }
        entry = await RunAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Address == address).FirstOrDefaultAsync(cancellationToken);
            var targets = await db.Aliases.AsNoTracking().Where(a => a.Address == address).OrderBy(a => a.Id).Select(a => a.Target).ToArrayAsync(cancellationToken);
            return new AddressEntry(user is null ? null : ToDirectoryUser(user), targets);
        }, cancellationToken);
        Store(key, entry, entry.Found, generation);
        await StoreSharedAsync(sharedKey, entry, entry.Found, generation);
        return entry;
    }

    private async Task StoreSharedAsync<T>(string key, T value, bool found, CancellationToken generation)
    {
        if (_shared is null || generation.IsCancellationRequested)
        {
            return;
        }
        await _shared.SetAsync(key, value, TimeSpan.FromSeconds(Math.Max(0, found ? _options.PositiveCacheSeconds : _options.NegativeCacheSeconds)));
    }

    /// <param name="key">Memory cache key.</param>
    /// <param name="value">Answer.</param>
    /// <param name="found">Positive (true) or negative TTL.</param>
    /// <param name="generation">Cache generation when the read started.</param>
    /// <param name="ttlCap">Remaining Redis TTL of a value read from Redis (the memory copy does not outlive it).</param>
    private void Store<T>(object key, T value, bool found, CancellationToken generation, TimeSpan? ttlCap = null)
    {
        // A write that happened while we read makes what we read stale: do not cache it.
        if (generation.IsCancellationRequested)
        {
            return;
        }
        var seconds = found ? _options.PositiveCacheSeconds : _options.NegativeCacheSeconds;
        if (seconds <= 0)
        {
            return;
        }
        using var cacheEntry = _cache.CreateEntry(key);
        cacheEntry.Value = value;
        cacheEntry.Size = 1;
        var ttl = TimeSpan.FromSeconds(seconds);
        if (ttlCap is { } cap && cap > TimeSpan.Zero && cap < ttl)
        {
            ttl = cap;
        }
        cacheEntry.AbsoluteExpirationRelativeToNow = ttl;
        cacheEntry.AddExpirationToken(new CancellationChangeToken(generation));
    }
}

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
        public bool Found => User is not null || AliasTargets.Count > 0;
    }

    private sealed record AddressKey(string Address);

    private sealed record DomainKey(string Domain);

    private CancellationTokenSource _generation = new();
    private readonly Lock _generationLock = new();

    /// <summary>Drops every cached entry; called after each write.</summary>
    private void InvalidateCache()
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

    private async Task<bool> IsLocalDomainCoreAsync(string domain, CancellationToken cancellationToken)
    {
        var key = new DomainKey(domain);
        if (_cache.TryGetValue(key, out bool known))
        {
            return known;
        }
        var generation = CurrentGeneration();
        known = await RunAsync(db => db.Domains.AsNoTracking().AnyAsync(d => d.Name == domain, cancellationToken), cancellationToken);
        Store(key, known, known, generation);
        return known;
    }

    private async Task<AddressEntry> LookupAddressAsync(string address, CancellationToken cancellationToken)
    {
        var key = new AddressKey(address);
        if (_cache.TryGetValue(key, out AddressEntry? entry) && entry is not null)
        {
            return entry;
        }
        var generation = CurrentGeneration();
        entry = await RunAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Address == address).FirstOrDefaultAsync(cancellationToken);
            var targets = await db.Aliases.AsNoTracking().Where(a => a.Address == address).OrderBy(a => a.Id).Select(a => a.Target).ToArrayAsync(cancellationToken);
            return new AddressEntry(user is null ? null : ToDirectoryUser(user), targets);
        }, cancellationToken);
        Store(key, entry, entry.Found, generation);
        return entry;
    }

    private void Store<T>(object key, T value, bool found, CancellationToken generation)
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
        cacheEntry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(seconds);
        cacheEntry.AddExpirationToken(new CancellationChangeToken(generation));
    }
}

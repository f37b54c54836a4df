using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Mail.Web.Webmail;

/// <summary>
/// What a preview cache entry belongs to: one sign-in's session on this node (<paramref name="Scope"/>, random per
/// <see cref="WebmailMailSession"/>, never taken from a request), its user, and one part of one message version
/// (mailbox, UIDVALIDITY, UID: RFC 9051 §2.3.1.1, a UID names the same message as long as UIDVALIDITY holds).
/// </summary>
/// <param name="Scope">The session's cache scope.</param>
/// <param name="Address">The signed-in address.</param>
/// <param name="Folder">Mailbox name.</param>
/// <param name="UidValidity">The mailbox's UIDVALIDITY.</param>
/// <param name="Uid">The message's UID.</param>
/// <param name="Part">Attachment index (<see cref="WebmailMessageParts"/>).</param>
/// <param name="Item">What is cached: <see cref="Content"/> (the decoded part), <see cref="FileName"/>, <see cref="PageCount"/>, or a rendered page (1-based).</param>
public readonly record struct WebmailPreviewKey(Guid Scope, string Address, string Folder, uint UidValidity, uint Uid, int Part, int Item)
{
    /// <summary><see cref="Item"/> of the decoded part.</summary>
    public const int Content = 0;

    /// <summary><see cref="Item"/> of the PDF's page count.</summary>
    public const int PageCount = -1;

    /// <summary><see cref="Item"/> of the part's file name.</summary>
    public const int FileName = -2;
}

/// <summary>
/// This node's cache of attachment previews (decoded PDF parts, page counts, pages rendered to PNG), so paging through
/// a document fetches its message from IMAP once and renders each page once. One <see cref="MemoryCache"/> bounded by
/// <see cref="WebmailPdfPreviewOptions.CacheOctets"/> (each entry costs its length; the least recently used go first),
/// entries expire <see cref="WebmailPdfPreviewOptions.CacheMinutes"/> after their last use and go at once when their
/// session closes (sign-out, sign-out everywhere, idle close). Keys carry the session's scope: another sign-in, of the
/// same user or another, never hits an entry.
/// </summary>
public sealed class WebmailPreviewCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly WebmailPdfPreviewOptions _options;
    // Live keys per address, for CountOf (entries leave it in their eviction callback).
    private readonly ConcurrentDictionary<WebmailPreviewKey, byte> _keys = new();

    public WebmailPreviewCache(IOptions<WebmailPdfPreviewOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = Math.Max(0, _options.CacheOctets),
            CompactionPercentage = 0.25,
            Clock = new Clock(time),
            ExpirationScanFrequency = TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>False when the cache is off (<see cref="WebmailPdfPreviewOptions.CacheOctets"/> 0).</summary>
    public bool Enabled => _options.CacheOctets > 0;

    /// <summary>Entries held for <paramref name="address"/> (all of its sessions on this node).</summary>
    public int CountOf(string address) => _keys.Keys.Count(k => k.Address.Equals(address, StringComparison.OrdinalIgnoreCase));

    /// <summary>The cached value of <paramref name="key"/>, if any (renews its sliding expiry).</summary>
    public bool TryGet<T>(WebmailPreviewKey key, out T? value) => _cache.TryGetValue(key, out value);

    /// <summary>
    /// Caches <paramref name="value"/> under <paramref name="key"/> at a cost of <paramref name="octets"/> until
    /// <paramref name="ended"/> (the session's end), the sliding expiry, or eviction for room. A value bigger than the
    /// whole cache is not kept.
    /// </summary>
    public void Set<T>(WebmailPreviewKey key, T value, long octets, CancellationToken ended)
    {
        if (!Enabled || ended.IsCancellationRequested || octets > _options.CacheOctets)
        {
            return;
        }
        var entry = new MemoryCacheEntryOptions
        {
            Size = Math.Max(1, octets),
            SlidingExpiration = TimeSpan.FromMinutes(Math.Max(1, _options.CacheMinutes)),
        };
        entry.AddExpirationToken(new CancellationChangeToken(ended));
        entry.RegisterPostEvictionCallback(static (k, value, reason, state) =>
        {
            // A replaced entry's key lives on in its replacement.
            if (reason != EvictionReason.Replaced)
            {
                ((WebmailPreviewCache)state!)._keys.TryRemove((WebmailPreviewKey)k, out _);
            }
        }, this);
        _keys[key] = 0;
        _cache.Set(key, value, entry);
        if (!_cache.TryGetValue(key, out _))
        {
            // Refused for lack of room (the cache compacts meanwhile): nothing to count.
            _keys.TryRemove(key, out _);
        }
    }

    /// <summary>Drops expired entries now (MemoryCache otherwise scans on its own schedule, on access).</summary>
    public void Compact() => _cache.Compact(0);

    public void Dispose() => _cache.Dispose();

    /// <summary>MemoryCache's clock, read from the injected <see cref="TimeProvider"/>.</summary>
    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

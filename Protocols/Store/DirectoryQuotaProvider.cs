using System.Collections.Concurrent;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Store;

/// <summary>
/// Quota from the directory (<see cref="DirectoryUser.QuotaBytes"/>), cached per account for
/// <see cref="StoreLimits.QuotaCacheSeconds"/> so a delivery does not cost a directory query.
/// </summary>
/// <remarks>
/// When the directory is unavailable the last known quota is used, or none when there is none
/// (DESIGN.md: reads survive the directory's loss; refusing mail for that reason would bounce it).
/// </remarks>
public sealed class DirectoryQuotaProvider(IMailDirectory directory, IOptions<StoreLimits> limits, TimeProvider time, ILogger<DirectoryQuotaProvider> logger) : IQuotaProvider
{
    private readonly ConcurrentDictionary<string, (long Quota, long ExpiresTicks)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Quota, long ExpiresTicks)> _domainCache = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>From <see cref="IDomainQuotaSource"/> when the directory implements it (both built-in directories do), cached like the user quota.</remarks>
    public async ValueTask<long> GetDomainQuotaOctetsAsync(string domain, CancellationToken cancellationToken)
    {
        if (directory is not IDomainQuotaSource source)
        {
            return 0;
        }
        var now = time.GetUtcNow().UtcTicks;
        if (_domainCache.TryGetValue(domain, out var cached) && cached.ExpiresTicks > now)
        {
            return cached.Quota;
        }
        try
        {
            var quota = await source.GetDomainQuotaAsync(domain, cancellationToken);
            _domainCache[domain] = (quota, now + TimeSpan.FromSeconds(limits.Value.QuotaCacheSeconds).Ticks);
            return quota;
        }
        catch (DirectoryUnavailableException ex)
        {
            StoreLog.QuotaLookupFailed(logger, domain, ex);
            return cached.Quota;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetQuotaOctetsAsync(string account, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_cache.TryGetValue(account, out var cached) && cached.ExpiresTicks > now)
        {
            return cached.Quota;
        }
        try
        {
            var user = await directory.FindUserAsync(account, cancellationToken);
            var quota = user?.QuotaBytes ?? 0;
            _cache[account] = (quota, now + TimeSpan.FromSeconds(limits.Value.QuotaCacheSeconds).Ticks);
            return quota;
        }
        catch (DirectoryUnavailableException ex)
        {
            StoreLog.QuotaLookupFailed(logger, account, ex);
            return cached.Quota;
        }
    }
}

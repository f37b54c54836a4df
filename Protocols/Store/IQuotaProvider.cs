namespace Mail.Protocols.Store;

/// <summary>
/// Tells the store an account's storage quota. The store checks it on delivery, APPEND and COPY
/// and refuses with <see cref="StoreStatus.OverQuota"/> when the account's used octets plus the new
/// message(s) would exceed it.
/// </summary>
public interface IQuotaProvider
{
    /// <summary>Quota of <paramref name="account"/> in octets; 0 means unlimited.</summary>
    ValueTask<long> GetQuotaOctetsAsync(string account, CancellationToken cancellationToken);

    /// <summary>Quota of the whole <paramref name="domain"/> (sum of its accounts' usage) in octets; 0 means unlimited.</summary>
    ValueTask<long> GetDomainQuotaOctetsAsync(string domain, CancellationToken cancellationToken) => ValueTask.FromResult(0L);
}

/// <summary>No quota for anyone (the default when no directory is registered).</summary>
public sealed class UnlimitedQuotaProvider : IQuotaProvider
{
    /// <inheritdoc />
    public ValueTask<long> GetQuotaOctetsAsync(string account, CancellationToken cancellationToken) => ValueTask.FromResult(0L);
}

namespace Mail.Shared.Directory;

/// <summary>
/// The storage quota of a whole domain (SQL <c>Domains.QuotaOctets</c>, LDAP <c>mailPlatformDomainQuota</c>), read through
/// the directory's cache; implemented by both directories.
/// </summary>
public interface IDomainQuotaSource
{
    /// <summary>Quota of <paramref name="domain"/> (or of the canonical domain of an alias domain) in octets; 0 means unlimited or no such domain.</summary>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached and nothing is cached.</exception>
    Task<long> GetDomainQuotaAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>The part of <see cref="IDomainQuotaSource.GetDomainQuotaAsync"/> that both directories share.</summary>
internal static class DomainQuotaLookup
{
    /// <summary>
    /// Normalizes <paramref name="domain"/> (lower case, no trailing dot) and asks <paramref name="quotaOf"/> for its quota in octets;
    /// a name that is not a DNS name has no quota (0) and is never looked up.
    /// </summary>
    public static async Task<long> GetAsync(string domain, Func<string, Task<long>> quotaOf)
    {
        ArgumentNullException.ThrowIfNull(quotaOf);
        return MailAddressText.TryNormalizeDomain(domain, out var name) ? await quotaOf(name) : 0;
    }
}

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

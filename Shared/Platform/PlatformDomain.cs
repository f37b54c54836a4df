namespace Mail.Shared.Platform;

/// <summary>A local virtual domain (table <c>Domains</c>).</summary>
public sealed class PlatformDomain
{
    /// <summary>Domain name, lower-case, no trailing dot; primary key (at most 253 characters, RFC 1035 §2.3.4).</summary>
    public required string Name { get; set; }

    /// <summary>False when the domain is disabled: it stays local but has no recipients (SMTP <c>550 5.1.1</c>), like LDAP <c>mailPlatformStatus: disabled</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address receiving mail for unknown local parts (LDAP <c>mailPlatformCatchAll</c>), normalized; null for none.</summary>
    public string? CatchAll { get; set; }

    /// <summary>Quota given to new users of the domain, in octets; 0 means unlimited (LDAP <c>mailPlatformDefaultQuota</c>).</summary>
    public long DefaultQuotaOctets { get; set; }

    /// <summary>Storage quota of the whole domain (sum of its users' usage), in octets; 0 means unlimited (LDAP <c>mailPlatformDomainQuota</c>).</summary>
    public long QuotaOctets { get; set; }

    /// <summary>When the domain was added (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
}

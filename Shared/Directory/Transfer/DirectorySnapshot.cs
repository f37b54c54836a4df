namespace Mail.Shared.Directory.Transfer;

/// <summary>
/// Everything a directory holds, backend-neutral, for <c>admin directory export</c> / <c>import</c>
/// (migration between the SQL and LDAP directories). Addresses and domains are normalized (lower-case).
/// </summary>
public sealed record DirectorySnapshot(IReadOnlyList<SnapshotDomain> Domains, IReadOnlyList<SnapshotUser> Users, IReadOnlyList<SnapshotAlias> Aliases);

/// <summary>A domain with its settings (both directories store all of them).</summary>
/// <param name="Name">Domain name.</param>
/// <param name="AliasDomains">Alias domains (<c>associatedDomain</c>).</param>
/// <param name="CatchAll">Catch-all target address, or null.</param>
/// <param name="DefaultQuota">Quota of new users in octets (0 = unlimited).</param>
/// <param name="Active">False when the domain is disabled.</param>
public sealed record SnapshotDomain(string Name, IReadOnlyList<string> AliasDomains, string? CatchAll, long DefaultQuota, bool Active)
{
    /// <summary>Storage quota of the whole domain in octets (0 = unlimited; LDAP <c>mailPlatformDomainQuota</c>).</summary>
    public long QuotaBytes { get; init; }
}

/// <summary>A user with its password hash in RFC 2307 <c>{SCHEME}value</c> form (never a clear password).</summary>
/// <param name="Address">Primary address.</param>
/// <param name="PasswordHash"><c>{SSHA512}...</c>, <c>{PBKDF2-SHA512}...</c> (SQL hashes), <c>{CRYPT}...</c>, <c>{ARGON2}...</c>; empty when unknown.</param>
/// <param name="DisplayName">Display name.</param>
/// <param name="MailHost">Mailbox node, empty = any/this node.</param>
/// <param name="QuotaBytes">Quota in octets (0 = unlimited).</param>
/// <param name="Enabled">False when suspended.</param>
/// <param name="ExtraAddresses">Further addresses of the user (<c>mailLocalAddress</c>).</param>
/// <param name="ForwardTo">Forwarding address (<c>mailRoutingAddress</c>), or null.</param>
public sealed record SnapshotUser(string Address, string PasswordHash, string DisplayName, string MailHost, long QuotaBytes, bool Enabled, IReadOnlyList<string> ExtraAddresses, string? ForwardTo)
{
    /// <summary>True when the mailbox keeps a copy of forwarded mail (<c>mailPlatformForwardCopy</c>).</summary>
    public bool KeepCopy { get; init; }
}

/// <summary>An alias or distribution list.</summary>
public sealed record SnapshotAlias(string Address, IReadOnlyList<string> Targets);

/// <summary>What an import did.</summary>
/// <param name="Added">Entries (domains, users, alias targets) added.</param>
/// <param name="Existing">Entries skipped because they were already there (imports are additive and re-runnable).</param>
/// <param name="Warnings">What the target backend cannot store, one line each.</param>
public sealed record DirectoryImportResult(int Added, int Existing, IReadOnlyList<string> Warnings);

/// <summary>Export and import of a whole directory; implemented by the SQL and the LDAP directory.</summary>
public interface IDirectoryTransfer
{
    /// <summary>Reads every domain, user (with its stored hash) and alias.</summary>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<DirectorySnapshot> ExportAsync(CancellationToken cancellationToken);

    /// <summary>Adds what is missing: domains first, then users, then aliases. Existing entries are left as they are.</summary>
    /// <exception cref="DirectoryUnavailableException">The backend (the LDAP master) cannot be reached.</exception>
    Task<DirectoryImportResult> ImportAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken);
}

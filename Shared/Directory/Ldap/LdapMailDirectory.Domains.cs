using System.DirectoryServices.Protocols;
using System.Globalization;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Domain settings (<c>mailPlatformStatus</c>, <c>mailPlatformCatchAll</c>, quotas) and alias domains (<c>associatedDomain</c>).</summary>
public sealed partial class LdapMailDirectory : IDomainQuotaSource
{
    /// <inheritdoc />
    public Task<long> GetDomainQuotaAsync(string domain, CancellationToken cancellationToken) =>
        DomainQuotaLookup.GetAsync(domain, async name => (await LookupDomainAsync(name, cancellationToken)).Quota);

    /// <inheritdoc />
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> UpdateDomainAsync(string domain, DomainSettingsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(change);
        var name = MailAddressText.NormalizeDomain(domain);
        if (!change.TryValidate(out var catchAll))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await WriteAsync(connection =>
        {
            var entry = FindDomainEntry(connection, name);
            if (entry is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            var request = new ModifyRequest(entry.Dn);
            if (change.Enabled is { } enabled)
            {
                request.Modifications.Add(Replace(LdapNames.Status, enabled ? LdapNames.Active : LdapNames.Disabled));
            }
            if (catchAll is not null)
            {
                request.Modifications.Add(Replace(LdapNames.CatchAll, catchAll));
            }
            else if (change.CatchAll is not null && entry.First(LdapNames.CatchAll) is not null)
            {
                request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.CatchAll, Operation = DirectoryAttributeOperation.Delete });
            }
            if (change.DefaultQuota is { } defaultQuota)
            {
                request.Modifications.Add(Replace(LdapNames.DefaultQuota, defaultQuota.ToString(CultureInfo.InvariantCulture)));
            }
            if (change.Quota is { } quota)
            {
                request.Modifications.Add(Replace(LdapNames.DomainQuota, quota.ToString(CultureInfo.InvariantCulture)));
            }
            if (request.Modifications.Count > 0)
            {
                connection.SendRequest(request);
            }
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        // Alias domains are cached under their own names: drop every domain answer.
        ClearCache();
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "domain set", name, result);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> AddDomainAliasAsync(string alias, string domain, CancellationToken cancellationToken)
    {
        var name = MailAddressText.NormalizeDomain(domain);
        if (!MailAddressText.TryNormalizeDomain(alias, out var aliasName))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await WriteAsync(connection =>
        {
            var entry = FindDomainEntry(connection, name);
            if (entry is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (Search(connection, _baseDn, DomainFilter(aliasName), [LdapNames.Cn]).Count > 0)
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            var request = new ModifyRequest(entry.Dn);
            request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.AssociatedDomain, Operation = DirectoryAttributeOperation.Add }.With(aliasName));
            connection.SendRequest(request);
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        Invalidate(domain: aliasName);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "domain alias", aliasName, result);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>Deletes the <c>associatedDomain</c> value from the domain entry that lists it (never a domain entry's own <c>cn</c>).</remarks>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> RemoveDomainAliasAsync(string alias, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryNormalizeDomain(alias, out var aliasName))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await WriteAsync(connection =>
        {
            var filter = $"(&(objectClass={LdapNames.DomainClass}){LdapFilter.Equal(LdapNames.AssociatedDomain, aliasName)})";
            var entry = Search(connection, _baseDn, filter, LdapNames.DomainAttributes)
                .FirstOrDefault(e => e.First(LdapNames.Cn) is { } cn && MailAddressText.NormalizeDomain(cn) != aliasName);
            // The stored spelling (case, trailing dot) may differ from the normalized name: delete the value as stored.
            var stored = entry?.All(LdapNames.AssociatedDomain).FirstOrDefault(v => MailAddressText.NormalizeDomain(v) == aliasName);
            if (entry is null || stored is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            var request = new ModifyRequest(entry.Dn);
            request.Modifications.Add(new DirectoryAttributeModification { Name = LdapNames.AssociatedDomain, Operation = DirectoryAttributeOperation.Delete }.With(stored));
            connection.SendRequest(request);
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        // Addresses in the alias domain are cached under their own names: drop every answer.
        ClearCache();
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "domain alias remove", aliasName, result);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken) =>
        _servers.ReadAsync<IReadOnlyList<DomainAlias>>(connection =>
            [.. SearchPaged(connection, $"(&(objectClass={LdapNames.DomainClass})({LdapNames.AssociatedDomain}=*))", [LdapNames.Cn, LdapNames.AssociatedDomain])
                .Where(e => e.First(LdapNames.Cn) is not null)
                .SelectMany(e => e.All(LdapNames.AssociatedDomain).Select(a => new DomainAlias(MailAddressText.NormalizeDomain(a), MailAddressText.NormalizeDomain(e.First(LdapNames.Cn)!))))
                .Where(a => a.Alias != a.Domain)
                .DistinctBy(a => a.Alias, StringComparer.Ordinal)
                .OrderBy(a => a.Alias, StringComparer.Ordinal)], cancellationToken);

    private static DirectoryAttributeModification Replace(string name, string value) =>
        new DirectoryAttributeModification { Name = name, Operation = DirectoryAttributeOperation.Replace }.With(value);
}

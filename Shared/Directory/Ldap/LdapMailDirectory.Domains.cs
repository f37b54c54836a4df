using System.DirectoryServices.Protocols;
using System.Globalization;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Domain settings (<c>mailPlatformStatus</c>, <c>mailPlatformCatchAll</c>, quotas) and alias domains (<c>associatedDomain</c>).</summary>
public sealed partial class LdapMailDirectory
{
    /// <inheritdoc />
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> UpdateDomainAsync(string domain, DomainSettingsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(change);
        var name = MailAddressText.NormalizeDomain(domain);
        string? catchAll = null;
        if ((change.CatchAll is { Length: > 0 } c && !MailAddressText.TryParse(c, out catchAll, out _, out _)) || change.DefaultQuota < 0 || change.Quota < 0)
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
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(domain);
        var aliasName = MailAddressText.NormalizeDomain(alias);
        var name = MailAddressText.NormalizeDomain(domain);
        if (!MailAddressText.IsValidDomain(aliasName))
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

    private static DirectoryAttributeModification Replace(string name, string value) =>
        new DirectoryAttributeModification { Name = name, Operation = DirectoryAttributeOperation.Replace }.With(value);
}

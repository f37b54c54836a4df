using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

/// <summary>Domain settings and alias domains (columns of <c>Domains</c>, table <c>DomainAliases</c>).</summary>
public sealed partial class SqlMailDirectory
{
    /// <inheritdoc />
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
        var result = await SaveAsync(async db =>
        {
            var row = await db.Domains.FirstOrDefaultAsync(d => d.Name == name, cancellationToken);
            if (row is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            row.Enabled = change.Enabled ?? row.Enabled;
            row.CatchAll = change.CatchAll is null ? row.CatchAll : catchAll;
            row.DefaultQuotaOctets = change.DefaultQuota ?? row.DefaultQuotaOctets;
            row.QuotaOctets = change.Quota ?? row.QuotaOctets;
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "domain set", name, result);
        return result;
    }

    /// <inheritdoc />
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
        var result = await SaveAsync(async db =>
        {
            if (!await db.Domains.AnyAsync(d => d.Name == name, cancellationToken))
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (await db.Domains.AnyAsync(d => d.Name == aliasName, cancellationToken)
                || await db.DomainAliases.AnyAsync(a => a.Alias == aliasName, cancellationToken))
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            db.DomainAliases.Add(new PlatformDomainAlias { Alias = aliasName, Domain = name, CreatedUtc = UtcNow });
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "domain alias", aliasName, result);
        return result;
    }
}

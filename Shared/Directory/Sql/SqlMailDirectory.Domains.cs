using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

/// <summary>Domain settings and alias domains (columns of <c>Domains</c>, table <c>DomainAliases</c>).</summary>
public sealed partial class SqlMailDirectory : IDomainQuotaSource
{
    /// <inheritdoc />
    public Task<long> GetDomainQuotaAsync(string domain, CancellationToken cancellationToken) =>
        DomainQuotaLookup.GetAsync(domain, async name => (await LookupDomainAsync(name, cancellationToken)).Quota);

    /// <inheritdoc />
    public async Task<DirectoryChangeResult> UpdateDomainAsync(string domain, DomainSettingsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(change);
        var name = MailAddressText.NormalizeDomain(domain);
        if (!change.TryValidate(out var catchAll))
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
        var name = MailAddressText.NormalizeDomain(domain);
        if (!MailAddressText.TryNormalizeDomain(alias, out var aliasName))
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

    /// <inheritdoc />
    public async Task<DirectoryChangeResult> RemoveDomainAliasAsync(string alias, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryNormalizeDomain(alias, out var aliasName))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await SaveAsync(async db =>
        {
            var row = await db.DomainAliases.FirstOrDefaultAsync(a => a.Alias == aliasName, cancellationToken);
            if (row is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            db.DomainAliases.Remove(row);
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "domain alias remove", aliasName, result);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<DomainAlias>>(async db => await db.DomainAliases.AsNoTracking().OrderBy(a => a.Alias)
            .Select(a => new DomainAlias(a.Alias, a.Domain)).ToListAsync(cancellationToken), cancellationToken);
}

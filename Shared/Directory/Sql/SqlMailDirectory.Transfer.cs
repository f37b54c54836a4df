using Mail.Shared.Directory.Ldap.Passwords;
using Mail.Shared.Directory.Transfer;
using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

/// <summary>Export and import of the whole directory (<see cref="IDirectoryTransfer"/>), for migration to and from LDAP.</summary>
public sealed partial class SqlMailDirectory : IDirectoryTransfer
{
    /// <inheritdoc />
    /// <remarks>Identity V3 password hashes are exported as the equivalent <c>{PBKDF2-SHA512}</c> value.</remarks>
    public Task<DirectorySnapshot> ExportAsync(CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            var domains = await db.Domains.AsNoTracking().OrderBy(d => d.Name).ToListAsync(cancellationToken);
            var aliasDomains = (await db.DomainAliases.AsNoTracking().OrderBy(a => a.Alias).ToListAsync(cancellationToken))
                .ToLookup(a => a.Domain, a => a.Alias, StringComparer.Ordinal);
            var users = await db.Users.AsNoTracking().OrderBy(u => u.Address).ToListAsync(cancellationToken);
            var aliases = await db.Aliases.AsNoTracking().OrderBy(a => a.Address).ThenBy(a => a.Id).ToListAsync(cancellationToken);
            var userAddresses = users.Select(u => u.Address).ToHashSet(StringComparer.Ordinal);
            // Alias rows named like a user are its forwarding (see SetForwardingAsync).
            var forwards = aliases.Where(a => userAddresses.Contains(a.Address)).ToLookup(a => a.Address, a => a.Target, StringComparer.Ordinal);
            return new DirectorySnapshot(
                [.. domains.Select(d => new SnapshotDomain(d.Name, [.. aliasDomains[d.Name]], d.CatchAll, d.DefaultQuotaOctets, d.Enabled) { QuotaBytes = d.QuotaOctets })],
                [.. users.Select(u => new SnapshotUser(u.Address,
                    u.PasswordHash.StartsWith('{') ? u.PasswordHash : LdapPasswordHash.FromIdentityV3(u.PasswordHash) ?? "",
                    u.DisplayName, u.MailHost, u.QuotaOctets, u.Enabled, [], forwards[u.Address].FirstOrDefault(t => t != u.Address))
                {
                    KeepCopy = forwards[u.Address].Contains(u.Address, StringComparer.Ordinal),
                })],
                [.. aliases.Where(a => !userAddresses.Contains(a.Address)).GroupBy(a => a.Address).Select(g => new SnapshotAlias(g.Key, [.. g.Select(a => a.Target)]))]);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// <c>{PBKDF2-*}</c> hashes become Identity V3 again; other schemes are stored as given and replaced at the
    /// first login. A user's extra addresses become aliases. A new domain keeps its alias domains, catch-all,
    /// default quota and status; an alias domain already used by another domain is reported in
    /// <see cref="DirectoryImportResult.Warnings"/>.
    /// </remarks>
    public async Task<DirectoryImportResult> ImportAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var result = await RunAsync(async db =>
        {
            int added = 0, existing = 0;
            var warnings = new List<string>();
            var now = UtcNow;
            var domains = (await db.Domains.Select(d => d.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var aliasDomains = (await db.DomainAliases.ToListAsync(cancellationToken)).ToDictionary(a => a.Alias, a => a.Domain, StringComparer.Ordinal);
            foreach (var d in snapshot.Domains)
            {
                if (domains.Add(d.Name))
                {
                    db.Domains.Add(new PlatformDomain
                    {
                        Name = d.Name, Enabled = d.Active, CatchAll = d.CatchAll, DefaultQuotaOctets = d.DefaultQuota, QuotaOctets = d.QuotaBytes, CreatedUtc = now,
                    });
                    added++;
                }
                else
                {
                    existing++;
                }
            }
            foreach (var d in snapshot.Domains)
            {
                foreach (var alias in d.AliasDomains)
                {
                    if (aliasDomains.TryGetValue(alias, out var owner))
                    {
                        if (owner == d.Name)
                        {
                            existing++;
                        }
                        else
                        {
                            warnings.Add($"domain {d.Name}: alias domain {alias} already belongs to {owner}, skipped");
                        }
                        continue;
                    }
                    if (domains.Contains(alias))
                    {
                        warnings.Add($"domain {d.Name}: alias domain {alias} is a domain of its own, skipped");
                        continue;
                    }
                    aliasDomains[alias] = d.Name;
                    db.DomainAliases.Add(new PlatformDomainAlias { Alias = alias, Domain = d.Name, CreatedUtc = now });
                    added++;
                }
            }
            var addresses = (await db.Users.Select(u => u.Address).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var aliasPairs = (await db.Aliases.Select(a => new { a.Address, a.Target }).ToListAsync(cancellationToken))
                .Select(a => (a.Address, a.Target)).ToHashSet();
            var aliasAddresses = aliasPairs.Select(p => p.Address).ToHashSet(StringComparer.Ordinal);
            void AddAlias(string address, string target)
            {
                if (!aliasPairs.Add((address, target)))
                {
                    existing++;
                    return;
                }
                aliasAddresses.Add(address);
                db.Aliases.Add(new PlatformAlias { Address = address, Domain = address[(address.LastIndexOf('@') + 1)..], Target = target, CreatedUtc = now });
                added++;
            }
            foreach (var u in snapshot.Users)
            {
                var domain = u.Address[(u.Address.LastIndexOf('@') + 1)..];
                if (!domains.Contains(domain))
                {
                    warnings.Add($"user {u.Address}: domain {domain} is not in the export, skipped");
                    continue;
                }
                if (addresses.Contains(u.Address) || aliasAddresses.Contains(u.Address))
                {
                    existing++;
                    continue;
                }
                addresses.Add(u.Address);
                var hash = LdapPasswordHash.ToIdentityV3(u.PasswordHash) ?? u.PasswordHash;
                if (hash.Length == 0)
                {
                    warnings.Add($"user {u.Address}: no password hash, the user cannot log in until 'admin user passwd'");
                    hash = "{NONE}";
                }
                db.Users.Add(new PlatformUser
                {
                    Address = u.Address, Domain = domain, PasswordHash = hash, DisplayName = u.DisplayName, MailHost = u.MailHost,
                    QuotaOctets = u.QuotaBytes, Enabled = u.Enabled, CreatedUtc = now,
                });
                added++;
                foreach (var extra in u.ExtraAddresses)
                {
                    AddAlias(extra, u.Address);
                }
                if (u.ForwardTo is { } forwardTo && forwardTo != u.Address)
                {
                    AddAlias(u.Address, forwardTo);
                    if (u.KeepCopy)
                    {
                        AddAlias(u.Address, u.Address);
                    }
                }
            }
            foreach (var a in snapshot.Aliases)
            {
                if (addresses.Contains(a.Address))
                {
                    warnings.Add($"alias {a.Address}: is a user's address, skipped");
                    continue;
                }
                foreach (var target in a.Targets)
                {
                    AddAlias(a.Address, target);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            return new DirectoryImportResult(added, existing, warnings);
        }, cancellationToken);
        await InvalidateCacheAsync();
        return result;
    }
}

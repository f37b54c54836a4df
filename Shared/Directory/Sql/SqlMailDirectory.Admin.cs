using Mail.Shared.Directory.Scram;
using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Shared.Directory.Sql;

/// <summary>The write side (<see cref="IDirectoryAdmin"/>), used by the admin CLI and the admin panel.</summary>
public sealed partial class SqlMailDirectory
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="domain"/> is not a valid domain name.</exception>
    public async Task<bool> AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = MailAddressText.NormalizeDomain(domain);
        if (!MailAddressText.IsValidDomain(name))
        {
            throw new ArgumentException($"'{domain}' is not a valid domain name.", nameof(domain));
        }
        var result = await SaveAsync(async db =>
        {
            if (await db.Domains.AnyAsync(d => d.Name == name, cancellationToken)
                || await db.DomainAliases.AnyAsync(a => a.Alias == name, cancellationToken))
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            db.Domains.Add(new PlatformDomain { Name = name, CreatedUtc = UtcNow });
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "domain add", name, result);
        return result == DirectoryChangeResult.Done;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<string>>(async db => await db.Domains.AsNoTracking().OrderBy(d => d.Name).Select(d => d.Name).ToListAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    public async Task<DirectoryChangeResult> AddUserAsync(string address, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!MailAddressText.TryParse(address, out var normalized, out _, out var domain))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await SaveAsync(async db =>
        {
            var domainRow = await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Name == domain, cancellationToken);
            if (domainRow is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (await db.Users.AnyAsync(u => u.Address == normalized, cancellationToken)
                || await db.Aliases.AnyAsync(a => a.Address == normalized, cancellationToken))
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            var user = new PlatformUser { Address = normalized, Domain = domain, PasswordHash = "", QuotaOctets = domainRow.DefaultQuotaOctets, CreatedUtc = UtcNow };
            var prepared = SaslPreparation.Prepare(password);
            user.PasswordHash = _hasher.HashPassword(user, prepared);
            user.ScramSha256 = ScramSha256Credential.Create(prepared).Format();
            db.Users.Add(user);
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "user add", normalized, result);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    public async Task<DirectoryChangeResult> SetPasswordAsync(string address, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!MailAddressText.TryParse(address, out var normalized, out _, out _))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await SaveAsync(async db =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Address == normalized, cancellationToken);
            if (user is null)
            {
                return DirectoryChangeResult.UnknownUser;
            }
            var prepared = SaslPreparation.Prepare(password);
            user.PasswordHash = _hasher.HashPassword(user, prepared);
            user.ScramSha256 = ScramSha256Credential.Create(prepared).Format();
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "user passwd", normalized, result);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DirectoryUser>> ListUsersAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<DirectoryUser>>(async db =>
        {
            var rows = await db.Users.AsNoTracking().OrderBy(u => u.Address).ToListAsync(cancellationToken);
            return rows.ConvertAll(ToDirectoryUser);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The alias must be in a local domain and must not be a user's address; the target may be any
    /// valid address (local user, another alias, or remote). Adding a second target to an existing
    /// alias makes a distribution list; the same pair twice is <see cref="DirectoryChangeResult.AlreadyExists"/>.
    /// </remarks>
    public async Task<DirectoryChangeResult> AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(alias, out var normalized, out _, out var domain)
            || !MailAddressText.TryParse(target, out var normalizedTarget, out _, out _)
            || normalized == normalizedTarget)
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await SaveAsync(async db =>
        {
            if (!await db.Domains.AnyAsync(d => d.Name == domain, cancellationToken))
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (await db.Users.AnyAsync(u => u.Address == normalized, cancellationToken)
                || await db.Aliases.AnyAsync(a => a.Address == normalized && a.Target == normalizedTarget, cancellationToken))
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            db.Aliases.Add(new PlatformAlias { Address = normalized, Domain = domain, Target = normalizedTarget, CreatedUtc = UtcNow });
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        DirectoryLog.Changed(_logger, "alias add", normalized, result);
        return result;
    }

    /// <summary>
    /// Runs a change in one context and saves it; a unique-key violation from a concurrent writer
    /// (another node or the CLI) becomes <see cref="DirectoryChangeResult.AlreadyExists"/>.
    /// </summary>
    private async Task<DirectoryChangeResult> SaveAsync(Func<PlatformDbContext, Task<DirectoryChangeResult>> change, CancellationToken cancellationToken)
    {
        var result = await RunAsync(async db =>
        {
            var outcome = await change(db);
            if (outcome != DirectoryChangeResult.Done)
            {
                return outcome;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return DirectoryChangeResult.Done;
            }
            catch (DbUpdateException ex) when (IsDuplicateKey(ex))
            {
                return DirectoryChangeResult.AlreadyExists;
            }
        }, cancellationToken);
        if (result == DirectoryChangeResult.Done)
        {
            await InvalidateCacheAsync();
        }
        return result;
    }

    /// <summary>SQLite error 19 (constraint, unique/primary key) or MySQL 1062 (duplicate entry).</summary>
    private static bool IsDuplicateKey(DbUpdateException ex) => ex.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true,
        MySqlConnector.MySqlException { ErrorCode: MySqlConnector.MySqlErrorCode.DuplicateKeyEntry } => true,
        _ => false,
    };
}

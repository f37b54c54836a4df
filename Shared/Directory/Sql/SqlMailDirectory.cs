using Mail.Shared.Directory.Caching;
using Mail.Shared.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Shared.Directory.Sql;

/// <summary>
/// The built-in directory on the platform DB (tables <c>Domains</c>, <c>Users</c>, <c>Aliases</c>):
/// the embedded default behind <see cref="IMailDirectory"/> and <see cref="IDirectoryAdmin"/>.
/// </summary>
/// <remarks>
/// <para>Addresses and domains are stored lower-case; every input is normalized with
/// <see cref="MailAddressText"/> first, so lookups are case-insensitive on every provider.</para>
/// <para>Reads of domains, users and aliases go through an <see cref="IMemoryCache"/>
/// (<see cref="SqlDirectoryOptions.PositiveCacheSeconds"/>, <see cref="SqlDirectoryOptions.NegativeCacheSeconds"/>)
/// so SMTP RCPT checks do not hit the database each time; writes through this instance clear the
/// cache. With <c>ConnectionStrings:Redis</c>, a <see cref="RedisDirectoryCache"/> sits between memory and the
/// database and writes clear it on every node. <see cref="AuthenticateAsync"/> always reads the database (a changed password takes effect at once); a login
/// verified within <see cref="SqlDirectoryOptions.VerifiedLoginCacheSeconds"/> against the same stored hash skips the PBKDF2 work.</para>
/// <para>Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (format V3: PBKDF2-HMAC-SHA512, 128-bit salt, 100 000 iterations by default).</para>
/// </remarks>
public sealed partial class SqlMailDirectory : IMailDirectory, IDirectoryAdmin, IDisposable
{
    private readonly IDbContextFactory<PlatformDbContext> _dbFactory;
    private readonly IMemoryCache _cache;
    private readonly IPasswordHasher<PlatformUser> _hasher;
    private readonly SqlDirectoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqlMailDirectory> _logger;
    private readonly Lazy<string> _dummyHash;
    private readonly RedisDirectoryCache? _shared;

    public SqlMailDirectory(
        IDbContextFactory<PlatformDbContext> dbFactory,
        IMemoryCache cache,
        IPasswordHasher<PlatformUser> hasher,
        IOptions<SqlDirectoryOptions> options,
        TimeProvider time,
        ILogger<SqlMailDirectory> logger,
        RedisDirectoryCache? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dbFactory = dbFactory;
        _cache = cache;
        _hasher = hasher;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _shared = shared;
        if (shared is not null)
        {
            shared.Invalidated += InvalidateMemory;
        }
        // A real hash of a random password: verifying against it costs what verifying a real user costs.
        _dummyHash = new Lazy<string>(() => _hasher.HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));
    }

    private static PlatformUser DummyUser { get; } = new() { Address = "nobody@invalid", Domain = "invalid", PasswordHash = "" };

    /// <inheritdoc />
    public async Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out var normalized, out _, out _))
        {
            return null;
        }
        var entry = await LookupAddressAsync(normalized, cancellationToken);
        return entry.User;
    }

    /// <inheritdoc />
    public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var normalized = MailAddressText.NormalizeDomain(domain);
        return MailAddressText.IsValidDomain(normalized) ? IsLocalDomainCoreAsync(normalized, cancellationToken) : Task.FromResult(false);
    }

    /// <inheritdoc />
    public async Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        PlatformUser? row = null;
        if (MailAddressText.TryParse(login, out var normalized, out _, out _))
        {
            row = await RunAsync(async db => await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Address == normalized, cancellationToken), cancellationToken);
        }
        if (row is null || !row.Enabled)
        {
            // Same PBKDF2 work as a real check, so response time does not tell which addresses exist.
            _hasher.VerifyHashedPassword(DummyUser, _dummyHash.Value, password);
            return null;
        }
        if (IsVerifiedLogin(row, password))
        {
            return ToDirectoryUser(row);
        }
        // Hashes imported from LDAP ({SSHA512}, {CRYPT}, {ARGON2}, ...) verify in their own scheme and are
        // replaced by the current format at the first successful login.
        var result = row.PasswordHash.StartsWith('{')
            ? (Ldap.Passwords.LdapPasswordHash.Verify(row.PasswordHash, password) ? PasswordVerificationResult.SuccessRehashNeeded : PasswordVerificationResult.Failed)
            : _hasher.VerifyHashedPassword(row, row.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await RehashAsync(row, password, cancellationToken);
        }
        else
        {
            RememberVerifiedLogin(row, password);
        }
        if (row.ScramSha256 is null)
        {
            await StoreScramAsync(row.Address, password, cancellationToken);
        }
        return ToDirectoryUser(row);
    }

    private async Task RehashAsync(PlatformUser row, string password, CancellationToken cancellationToken)
    {
        var hash = _hasher.HashPassword(row, password);
        await RunAsync(db => db.Users.Where(u => u.Address == row.Address)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, hash), cancellationToken), cancellationToken);
        DirectoryLog.PasswordRehashed(_logger, row.Address);
    }

    /// <summary>Releases the cache generation token.</summary>
    public void Dispose()
    {
        if (_shared is not null)
        {
            _shared.Invalidated -= InvalidateMemory;
        }
        lock (_generationLock)
        {
            _generation.Dispose();
        }
    }

    private static DirectoryUser ToDirectoryUser(PlatformUser u) => new(u.Address, u.DisplayName, u.MailHost, u.QuotaOctets, u.Enabled);

    private DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    /// <summary>Runs a database operation in a fresh context, mapping backend failures to <see cref="DirectoryUnavailableException"/>.</summary>
    private async Task<T> RunAsync<T>(Func<PlatformDbContext, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            return await operation(db);
        }
        catch (Exception ex) when (IsBackendFailure(ex))
        {
            DirectoryLog.DatabaseFailed(_logger, ex);
            throw new DirectoryUnavailableException("The platform database is not available.", ex);
        }
    }

    private static bool IsBackendFailure(Exception ex) => ex switch
    {
        System.Data.Common.DbException => true,
        DbUpdateException => false, // constraint violations are handled by the callers
        InvalidOperationException { InnerException: System.Data.Common.DbException } => true,
        _ => false,
    };
}

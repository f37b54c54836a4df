using Mail.Shared.Directory.Sql;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Tests.Shared.Directory.Sql;

/// <summary>
/// The shared directory contract (<see cref="MailDirectoryContract{TDirectory}"/>) on the SQL directory,
/// run on every platform DB provider (one subclass per provider).
/// </summary>
public abstract class SqlMailDirectoryContract(PlatformTestServices platform) : MailDirectoryContract<SqlMailDirectory>
{
    protected PlatformTestServices Platform { get; } = platform;

    protected override SqlMailDirectory Directory => Platform.Get<SqlMailDirectory>();

    protected override async Task DisableUserAsync(string address)
    {
        await using var db = await Platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        await db.Users.Where(u => u.Address == address).ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, false));
    }

    protected override async Task<IReadOnlyList<string>> StoredPasswordHashesAsync(string domain)
    {
        await using var db = await Platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Domain == domain).OrderBy(u => u.Address).Select(u => u.PasswordHash).ToListAsync();
    }

    protected override void AssertSaltedHash(string hash, string secret)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]); // Identity format V3 (PBKDF2)
        Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }
}

/// <summary>Directory semantics on SQLite.</summary>
public sealed class SqlMailDirectorySqliteTests(SqlitePlatformFixture fixture)
    : SqlMailDirectoryContract(fixture.Platform), IClassFixture<SqlitePlatformFixture>;

/// <summary>Directory semantics on MariaDB (needs MAIL_TEST_MYSQL).</summary>
public sealed class SqlMailDirectoryMySqlTests(MySqlPlatformFixture fixture)
    : SqlMailDirectoryContract(fixture.Platform), IClassFixture<MySqlPlatformFixture>;

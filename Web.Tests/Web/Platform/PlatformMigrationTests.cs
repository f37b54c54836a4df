using Mail.Shared.Platform;
using Mail.Web.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Tests.Web.Platform;

/// <summary>The EF migrations of each provider build the whole model on an empty database.</summary>
public sealed class PlatformMigrationTests
{
    [Theory]
    [InlineData(PlatformDbProvider.Sqlite)]
    [InlineData(PlatformDbProvider.MySql)]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationAndMatchesTheModel(PlatformDbProvider provider)
    {
        await using var platform = await PlatformTestServices.CreateAsync(provider);
        await using var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(0, await db.Domains.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Aliases.CountAsync());
        Assert.Equal(0, await db.WebSessions.CountAsync());
        Assert.Equal(provider == PlatformDbProvider.Sqlite ? "Microsoft.EntityFrameworkCore.Sqlite" : "Pomelo.EntityFrameworkCore.MySql", db.Database.ProviderName);
    }

    [Theory]
    [InlineData(PlatformDbProvider.Sqlite)]
    [InlineData(PlatformDbProvider.MySql)]
    public async Task Migrate_Twice_IsANoOp(PlatformDbProvider provider)
    {
        await using var platform = await PlatformTestServices.CreateAsync(provider);

        await platform.Services.InitializePlatformAsync();

        await using var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_Sqlite_SwitchesTheFileToWal()
    {
        await using var platform = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite);
        await using var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();

        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();

        Assert.Equal("wal", Assert.Single(mode));
        Assert.True(File.Exists(Path.Combine(platform.DataPath, PlatformDatabase.SqliteFileName)));
    }

    [Theory]
    [InlineData(PlatformDbProvider.Sqlite)]
    [InlineData(PlatformDbProvider.MySql)]
    public async Task DataProtection_FirstProtect_PersistsKeyInPlatformDb(PlatformDbProvider provider)
    {
        await using var platform = await PlatformTestServices.CreateAsync(provider);
        var protector = platform.Get<IDataProtectionProvider>().CreateProtector("test");

        var secret = protector.Protect("hello");

        await using var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        Assert.True(await db.DataProtectionKeys.AnyAsync());
        Assert.Equal("hello", protector.Unprotect(secret));
    }

    [Fact]
    public void ParseProvider_UnknownName_Throws() =>
        Assert.Throws<ArgumentException>(() => PlatformDatabase.ParseProvider("Oracle"));

    [Fact]
    public async Task MySqlWithoutConnectionString_FailsWithClearMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => PlatformTestServices.CreateAsync(
            PlatformDbProvider.Sqlite,
            extraSettings: new Dictionary<string, string?> { ["Mail:Database:Provider"] = "MySql", ["ConnectionStrings:Platform"] = "" }));
        Assert.Contains("ConnectionStrings:Platform", ex.Message, StringComparison.Ordinal);
    }
}

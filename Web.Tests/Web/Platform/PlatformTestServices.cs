using Mail.Protocols.Hosting;
using Mail.Shared.Platform;
using Mail.Web.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Mail.Web.Tests.Web.Platform;

/// <summary>
/// A service provider with AddMailCore + AddPlatform on a fresh, migrated platform DB: a temp SQLite
/// file, or a uniquely named MariaDB database on the server named by <see cref="MySqlEnvironmentVariable"/>
/// (dropped on dispose).
/// </summary>
public sealed class PlatformTestServices : IAsyncDisposable
{
    /// <summary>
    /// Environment variable with the MariaDB connection string for the MySql tests, without a database
    /// (e.g. <c>Server=127.0.0.1;Port=3306;User=mail;Password=mailpw</c>). CI always sets it; when it is
    /// missing the MySql tests fail rather than skip.
    /// </summary>
    public const string MySqlEnvironmentVariable = "MAIL_TEST_MYSQL";

    private PlatformTestServices(ServiceProvider services, string dataPath, PlatformDbProvider provider)
    {
        Services = services;
        DataPath = dataPath;
        Provider = provider;
    }

    public ServiceProvider Services { get; }

    public string DataPath { get; }

    public PlatformDbProvider Provider { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The configuration keys that point a host or the admin CLI at <paramref name="provider"/> on a fresh database.</summary>
    public static Dictionary<string, string?> Settings(PlatformDbProvider provider, string dataPath) => provider switch
    {
        PlatformDbProvider.Sqlite => new() { ["Mail:DataPath"] = dataPath, ["Mail:Database:Provider"] = "Sqlite" },
        PlatformDbProvider.MySql => new()
        {
            ["Mail:DataPath"] = dataPath,
            ["Mail:Database:Provider"] = "MySql",
            ["ConnectionStrings:Platform"] = FreshMySqlConnectionString(),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    /// <summary>The MariaDB server from <see cref="MySqlEnvironmentVariable"/> with a new unique database name.</summary>
    public static string FreshMySqlConnectionString()
    {
        var server = Environment.GetEnvironmentVariable(MySqlEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"MariaDB tests need the environment variable {MySqlEnvironmentVariable}, e.g. " +
                "'Server=127.0.0.1;Port=3306;User=mail;Password=mailpw' (scripts/services.sh starts MariaDB and scripts/test.sh sets it).");
        }
        return new MySqlConnectionStringBuilder(server) { Database = "mailtest_" + Guid.NewGuid().ToString("N")[..16] }.ConnectionString;
    }

    /// <summary>Builds and migrates; <paramref name="configure"/> may add or replace services (before AddPlatform's TryAdds).</summary>
    public static async Task<PlatformTestServices> CreateAsync(
        PlatformDbProvider provider,
        Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "platform-test-" + Guid.NewGuid().ToString("N"));
        var settings = Settings(provider, dataPath);
        Directory.CreateDirectory(dataPath);
        foreach (var (k, v) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        configure?.Invoke(collection);
        collection.AddMailCore(configuration);
        collection.AddPlatform(configuration);
        var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var result = new PlatformTestServices(services, dataPath, provider);
        try
        {
            await services.InitializePlatformAsync();
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == PlatformDbProvider.MySql)
        {
            try
            {
                await using var db = await Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
                await db.Database.EnsureDeletedAsync();
            }
            catch (MySqlException)
            {
                // The server went away; nothing left to drop.
            }
        }
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataPath))
        {
            Directory.Delete(DataPath, recursive: true);
        }
    }
}

/// <summary>Class fixture: one migrated platform DB per test class.</summary>
public abstract class PlatformDatabaseFixture(PlatformDbProvider provider) : IAsyncLifetime
{
    private PlatformTestServices? _platform;

    public PlatformTestServices Platform => _platform ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _platform = await PlatformTestServices.CreateAsync(provider);

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }
}

/// <summary>A platform DB on a temp SQLite file.</summary>
public sealed class SqlitePlatformFixture() : PlatformDatabaseFixture(PlatformDbProvider.Sqlite);

/// <summary>A platform DB on a fresh MariaDB database (needs MAIL_TEST_MYSQL).</summary>
public sealed class MySqlPlatformFixture() : PlatformDatabaseFixture(PlatformDbProvider.MySql);

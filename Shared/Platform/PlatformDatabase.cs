using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Mail.Shared.Platform;

/// <summary>
/// Provider set-up of the platform DB shared by the server, the admin CLI and the design-time
/// factories: connection strings, SQLite pragmas, and migration on start.
/// </summary>
public static class PlatformDatabase
{
    /// <summary>File name of the SQLite platform DB inside the data path.</summary>
    public const string SqliteFileName = "platform.db";

    /// <summary>
    /// How long a SQLite statement waits for a lock held by another connection or process (the admin
    /// CLI writes while the server runs), in milliseconds.
    /// </summary>
    public const int SqliteBusyTimeoutMilliseconds = 10_000;

    /// <summary>MySQL/MariaDB server version the SQL is generated for (the version CI and production run).</summary>
    public static Microsoft.EntityFrameworkCore.ServerVersion MySqlServerVersion { get; } = new MariaDbServerVersion(new Version(10, 11, 0));

    /// <summary>Parses <c>Mail:Database:Provider</c> (case-insensitive; empty means SQLite).</summary>
    /// <exception cref="ArgumentException">The value names no known provider.</exception>
    public static PlatformDbProvider ParseProvider(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PlatformDbProvider.Sqlite;
        }
        return Enum.TryParse<PlatformDbProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new ArgumentException($"Mail:Database:Provider '{value}' is not known; use Sqlite or MySql.", nameof(value));
    }

    /// <summary>The SQLite connection string for the platform DB under <paramref name="fullDataPath"/>.</summary>
    public static string SqliteConnectionString(string fullDataPath) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(fullDataPath, SqliteFileName),
        Mode = SqliteOpenMode.ReadWriteCreate,
        // Microsoft.Data.Sqlite retries SQLITE_BUSY for the command timeout; busy_timeout below does the same in the engine.
        DefaultTimeout = SqliteBusyTimeoutMilliseconds / 1000,
        Pooling = true,
    }.ToString();

    /// <summary>Configures <paramref name="builder"/> for the SQLite file under <paramref name="fullDataPath"/> (created if missing).</summary>
    public static DbContextOptionsBuilder UseSqlitePlatform(this DbContextOptionsBuilder builder, string fullDataPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        System.IO.Directory.CreateDirectory(fullDataPath);
        return builder.UseSqlite(SqliteConnectionString(fullDataPath)).AddInterceptors(SqlitePragmaInterceptor.Instance);
    }

    /// <summary>Configures <paramref name="builder"/> for MySQL/MariaDB.</summary>
    /// <exception cref="InvalidOperationException">The connection string is empty.</exception>
    public static DbContextOptionsBuilder UseMySqlPlatform(this DbContextOptionsBuilder builder, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Mail:Database:Provider is MySql but ConnectionStrings:Platform is empty.");
        }
        return builder.UseMySql(connectionString, MySqlServerVersion);
    }

    /// <summary>
    /// Brings the database to the newest migration (creating it when missing); on SQLite also switches
    /// the file to WAL so readers never block the writer. Safe to run from several processes at once
    /// (EF Core 9 takes a migration lock).
    /// </summary>
    public static async Task MigrateAsync(PlatformDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsSqlite())
        {
            // journal_mode=WAL is persistent in the file; setting it again is a no-op.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>Sets per-connection pragmas on every SQLite connection EF opens.</summary>
    private sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
    {
        public static SqlitePragmaInterceptor Instance { get; } = new();

        private const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = Pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

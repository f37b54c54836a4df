using System.Diagnostics;
using System.Globalization;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Sql;
using Mail.Shared.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Directory benchmark, driven by bench/directory.sh.
//   sql-load <dataPath> <users> <domains>      create the SQLite platform DB and bulk-insert the generated users
//   ldap <uri> <baseDn> <bindDn> <bindPw> <users> <domains> <samples> [fill]
//   sql <dataPath> <users> <domains> <samples>
// Users are u<n>@d<n % domains>.bench (n = 0..users-1), as bench/directory.sh generates them.
var mode = args.Length > 0 ? args[0] : "";
var ct = CancellationToken.None;
static string Address(int n, int domains) => $"u{n:D7}@d{n % domains}.bench";

switch (mode)
{
    case "sql-load":
    {
        var (dataPath, users, domains) = (args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dataPath);
        var builder = new DbContextOptionsBuilder<SqlitePlatformDbContext>();
        builder.UseSqlitePlatform(dataPath);
        var options = builder.Options;
        await using (var db = new SqlitePlatformDbContext(options))
        {
            await PlatformDatabase.MigrateAsync(db, ct);
        }
        var hash = new PasswordHasher<PlatformUser>().HashPassword(new PlatformUser { Address = "", Domain = "", PasswordHash = "" }, "bench-pw");
        await using var connection = new SqliteConnection(PlatformDatabase.SqliteConnectionString(dataPath));
        await connection.OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        for (var d = 0; d < domains; d++)
        {
            await using var c = connection.CreateCommand();
            c.Transaction = tx;
            c.CommandText = "INSERT OR IGNORE INTO Domains (Name, CreatedUtc) VALUES ($n, $t)";
            c.Parameters.AddWithValue("$n", $"d{d}.bench");
            c.Parameters.AddWithValue("$t", now);
            await c.ExecuteNonQueryAsync(ct);
        }
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT OR IGNORE INTO Users (Address, Domain, PasswordHash, DisplayName, MailHost, QuotaOctets, Enabled, CreatedUtc) VALUES ($a, $d, $h, '', '', 0, 1, $t)";
        var pa = insert.Parameters.Add("$a", SqliteType.Text);
        var pd = insert.Parameters.Add("$d", SqliteType.Text);
        insert.Parameters.AddWithValue("$h", hash);
        insert.Parameters.AddWithValue("$t", now);
        for (var n = 0; n < users; n++)
        {
            pa.Value = Address(n, domains);
            pd.Value = $"d{n % domains}.bench";
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        Console.WriteLine($"sql: {users} users in {domains} domains loaded into {dataPath}");
        break;
    }
    case "ldap":
    {
        var users = int.Parse(args[5], CultureInfo.InvariantCulture);
        var domains = int.Parse(args[6], CultureInfo.InvariantCulture);
        var samples = int.Parse(args[7], CultureInfo.InvariantCulture);
        var fill = args.Length > 8 && args[8] == "fill";
        using var directory = new LdapMailDirectory(
            Options.Create(new LdapDirectoryOptions { Uri = args[1], BaseDn = args[2], BindDn = args[3], BindPassword = args[4], MaxCacheEntries = 2_000_000 }),
            Options.Create(new SqlDirectoryOptions { PositiveCacheSeconds = 3600, NegativeCacheSeconds = 3600 }),
            new LdapPasswordVerifier(), TimeProvider.System, NullLogger<LdapMailDirectory>.Instance);
        await RunAsync("ldap", a => directory.FindUserAsync(a, ct), users, domains, samples);
        if (fill)
        {
            var before = Heap();
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (n, token) => await directory.FindUserAsync(Address(n, domains), token));
            var after = Heap();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ldap cache fill: {directory.CachedAddressCount} entries in {sw.Elapsed.TotalSeconds:F1} s; heap {before / 1048576.0:F1} MiB -> {after / 1048576.0:F1} MiB = {(after - before) / 1048576.0:F1} MiB ({(after - before) / (double)Math.Max(1, directory.CachedAddressCount):F0} octets/entry); process RSS {Environment.WorkingSet / 1048576.0:F0} MiB"));
            GC.KeepAlive(directory);
        }
        break;
    }
    case "sql":
    {
        var (dataPath, users, domains, samples) = (args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
        var services = new ServiceCollection().AddPooledDbContextFactory<SqlitePlatformDbContext>(o => o.UseSqlitePlatform(dataPath)).BuildServiceProvider();
        var factory = new SqliteFactory(services.GetRequiredService<IDbContextFactory<SqlitePlatformDbContext>>());
        using var cache = new MemoryCache(new MemoryCacheOptions());
        using var directory = new SqlMailDirectory(factory, cache, new PasswordHasher<PlatformUser>(),
            Options.Create(new SqlDirectoryOptions { PositiveCacheSeconds = 3600, NegativeCacheSeconds = 3600 }), TimeProvider.System, NullLogger<SqlMailDirectory>.Instance);
        await RunAsync("sql", a => directory.FindUserAsync(a, ct), users, domains, samples);
        break;
    }
    default:
        Console.Error.WriteLine("usage: sql-load <dataPath> <users> <domains> | ldap <uri> <baseDn> <bindDn> <bindPw> <users> <domains> <samples> [fill] | sql <dataPath> <users> <domains> <samples>");
        return 2;
}
return 0;

static long Heap()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetTotalMemory(forceFullCollection: true);
}

static async Task RunAsync(string name, Func<string, Task<DirectoryUser?>> find, int users, int domains, int samples)
{
    var random = new Random(42);
    var picks = Enumerable.Range(0, samples).Select(_ => Address(random.Next(users), domains)).Distinct().ToArray();
    // Warm up connections and JIT on addresses outside the sample.
    for (var i = 0; i < 200; i++)
    {
        await find(Address((i * 7919) % users, domains).Replace("@", "x@", StringComparison.Ordinal));
    }
    foreach (var phase in new[] { "cold", "warm" })
    {
        var times = new double[picks.Length];
        for (var i = 0; i < picks.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var user = await find(picks[i]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (user is null)
            {
                throw new InvalidOperationException($"{picks[i]} not found");
            }
        }
        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {phase}: {picks.Length} lookups by address, p50 {times[times.Length / 2]:F3} ms, p99 {times[(int)(times.Length * 0.99)]:F3} ms, max {times[^1]:F3} ms"));
    }
}

/// <summary>Adapts the typed SQLite factory to the base context type SqlMailDirectory takes.</summary>
internal sealed class SqliteFactory(IDbContextFactory<SqlitePlatformDbContext> inner) : IDbContextFactory<PlatformDbContext>
{
    public PlatformDbContext CreateDbContext() => inner.CreateDbContext();
}

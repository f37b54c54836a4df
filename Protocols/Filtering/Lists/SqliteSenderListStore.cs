using Mail.Shared.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Lists;

/// <summary>
/// Sender lists in <c>{DataPath}/filters/senders.db</c> (SQLite, WAL): table <c>entries</c>, primary
/// key (scope, owner, pattern).
/// </summary>
/// <remarks>
/// Beside the verdict records, not in the platform DB: SMTP-in reads it on every message and must
/// not depend on the platform database; writes (users, admins) are rare. Nodes that filter and
/// nodes that serve the webmail share the data path in the all-in-one layout. Writes are
/// serialized in-process; SQLite's busy timeout covers the admin CLI writing from another process.
/// </remarks>
public sealed class SqliteSenderListStore : ISenderListStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS entries (
            scope INTEGER NOT NULL,
            owner TEXT NOT NULL,
            pattern TEXT NOT NULL,
            kind INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (scope, owner, pattern)
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;
    private readonly SenderListOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteLazySchema _schema;

    public SqliteSenderListStore(IOptions<MailOptions> mail, IOptions<FilterOptions> options, TimeProvider time)
    {
        Path = System.IO.Path.Combine(mail.Value.FullDataPath, "filters", "senders.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 10 }.ToString();
        _schema = new SqliteLazySchema(_connectionString, System.IO.Path.GetDirectoryName(Path)!, Schema);
        _options = options.Value.Lists;
        _time = time;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task<SenderListChange> AddAsync(SenderListScope scope, string owner, string pattern, SenderListKind kind, CancellationToken cancellationToken)
    {
        if (!TryOwner(scope, owner, out var o))
        {
            return SenderListChange.InvalidOwner;
        }
        if (!SenderPattern.TryNormalize(pattern, out var p))
        {
            return SenderListChange.InvalidPattern;
        }
        return await WriteAsync(async (connection, tx) =>
        {
            using var find = Command(connection, tx, "SELECT kind FROM entries WHERE scope = @s AND owner = @o AND pattern = @p", scope, o, p);
            var existing = await find.ExecuteScalarAsync(cancellationToken);
            if (existing is long k && (SenderListKind)k == kind)
            {
                return SenderListChange.Unchanged;
            }
            if (existing is null)
            {
                using var count = Command(connection, tx, "SELECT count(*) FROM entries WHERE scope = @s AND owner = @o", scope, o, p);
                if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= _options.MaxEntriesPerOwner)
                {
                    return SenderListChange.LimitReached;
                }
            }
            using var write = Command(connection, tx, "INSERT OR REPLACE INTO entries (scope, owner, pattern, kind, created_at) VALUES (@s, @o, @p, @k, @at)", scope, o, p);
            write.Parameters.AddWithValue("@k", (long)kind);
            write.Parameters.AddWithValue("@at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            await write.ExecuteNonQueryAsync(cancellationToken);
            return existing is null ? SenderListChange.Added : SenderListChange.Updated;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SenderListChange> RemoveAsync(SenderListScope scope, string owner, string pattern, CancellationToken cancellationToken)
    {
        if (!TryOwner(scope, owner, out var o))
        {
            return SenderListChange.InvalidOwner;
        }
        if (!SenderPattern.TryNormalize(pattern, out var p))
        {
            return SenderListChange.InvalidPattern;
        }
        return await WriteAsync(async (connection, tx) =>
        {
            using var delete = Command(connection, tx, "DELETE FROM entries WHERE scope = @s AND owner = @o AND pattern = @p", scope, o, p);
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0 ? SenderListChange.Removed : SenderListChange.NotFound;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SenderListEntry>> ListAsync(SenderListScope scope, string owner, CancellationToken cancellationToken)
    {
        if (!TryOwner(scope, owner, out var o))
        {
            return [];
        }
        try
        {
            using var connection = Open();
            using var select = Command(connection, null, "SELECT pattern, kind, created_at FROM entries WHERE scope = @s AND owner = @o ORDER BY pattern", scope, o, "");
            return await ReadAsync(select, scope, o, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Sender lists {Path}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<SenderListMatch?> MatchAsync(string account, IReadOnlyList<string> senders, CancellationToken cancellationToken)
    {
        if (!SenderPattern.TryAddress(account, out var user))
        {
            return null;
        }
        var addresses = senders
            .Select(s => SenderPattern.TryAddress(s, out var a) ? a : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (addresses.Count == 0)
        {
            return null;
        }
        var candidates = addresses.ToDictionary(a => a, SenderPattern.Candidates, StringComparer.Ordinal);
        var all = candidates.Values.SelectMany(c => c).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            using var connection = Open();
            foreach (var (scope, owner) in new[] { (SenderListScope.User, user), (SenderListScope.Domain, user[(user.LastIndexOf('@') + 1)..]) })
            {
                using var select = Command(connection, null,
                    $"SELECT pattern, kind, created_at FROM entries WHERE scope = @s AND owner = @o AND pattern IN ({string.Join(", ", all.Select((_, i) => "@c" + i))})",
                    scope, owner, "");
                for (var i = 0; i < all.Count; i++)
                {
                    select.Parameters.AddWithValue("@c" + i, all[i]);
                }
                var entries = (await ReadAsync(select, scope, owner, cancellationToken)).ToDictionary(e => e.Pattern, StringComparer.Ordinal);
                if (entries.Count == 0)
                {
                    continue;
                }
                // Per sender the most specific entry; across senders, block wins.
                var decided = addresses
                    .Select(a => candidates[a].Where(entries.ContainsKey).Select(p => new SenderListMatch(entries[p], a)).FirstOrDefault())
                    .OfType<SenderListMatch>()
                    .ToList();
                return decided.FirstOrDefault(m => m.Entry.Kind == SenderListKind.Block) ?? decided.FirstOrDefault();
            }
            return null;
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Sender lists {Path}: {ex.Message}", ex);
        }
    }

    private static bool TryOwner(SenderListScope scope, string owner, out string normalized) =>
        scope == SenderListScope.User ? SenderPattern.TryAddress(owner, out normalized) : SenderPattern.TryDomain(owner, out normalized);

    private static async Task<IReadOnlyList<SenderListEntry>> ReadAsync(SqliteCommand select, SenderListScope scope, string owner, CancellationToken cancellationToken)
    {
        using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var list = new List<SenderListEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SenderListEntry(scope, owner, reader.GetString(0), (SenderListKind)reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }
        return list;
    }

    private async Task<SenderListChange> WriteAsync(Func<SqliteConnection, SqliteTransaction, Task<SenderListChange>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            var result = await work(connection, tx);
            await tx.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Sender lists {Path}: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, SenderListScope scope, string owner, string pattern)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@s", (long)scope);
        command.Parameters.AddWithValue("@o", owner);
        command.Parameters.AddWithValue("@p", pattern);
        return command;
    }

    private SqliteConnection Open()
    {
        _schema.EnsureCreated();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Releases pooled connections to the file.</summary>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _writeLock.Dispose();
    }
}

using System.Collections.Concurrent;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// Per-account Bayes data: one SQLite database (WAL) per account,
/// <c>{DataPath}/filters/bayes/&lt;domain&gt;/&lt;local&gt;.db</c> (the store's escaped account path),
/// with tables <c>tokens</c> (token, spam count, ham count), <c>totals</c> (messages learned per
/// class) and <c>seen</c> (SHA-256 of each learned message and its class).
/// </summary>
/// <remarks>
/// Why a file per account beside the verdict records and not the mailbox index or the platform DB:
/// it is read by the SMTP-in tier on every message and written by the IMAP tier on every move into
/// or out of Junk; one file per account keeps writers independent, and deleting it resets a user's
/// training. Writes of one account are serialized in-process; SQLite's busy timeout covers another process.
/// </remarks>
public sealed class BayesStore : IDisposable
{
    private readonly string _root;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public BayesStore(IOptions<MailOptions> options, TimeProvider time)
    {
        _root = Path.Combine(options.Value.FullDataPath, "filters", "bayes");
        _time = time;
    }

    /// <summary>The database file of <paramref name="account"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="account"/> is not <c>local@domain</c>.</exception>
    public string PathOf(string account) => Path.Combine(_root, AccountDirectoryName.RelativePath(account.ToLowerInvariant()) + ".db");

    /// <summary>
    /// Counts <paramref name="tokens"/> as <paramref name="kind"/> for the message whose SHA-256 is
    /// <paramref name="digest"/>, in one transaction; forgets an earlier learning as the other class first.
    /// </summary>
    /// <exception cref="IOException">The database cannot be written.</exception>
    public async Task<LearnOutcome> LearnAsync(string account, byte[] digest, IReadOnlySet<string> tokens, SpamClass kind, CancellationToken cancellationToken)
    {
        var path = PathOf(account);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open(path, create: true)!;
            using var tx = connection.BeginTransaction();
            SpamClass? earlier = null;
            using (var seen = Command(connection, tx, "SELECT class FROM seen WHERE digest = @d"))
            {
                seen.Parameters.AddWithValue("@d", digest);
                if (await seen.ExecuteScalarAsync(cancellationToken) is long c)
                {
                    earlier = (SpamClass)c;
                }
            }
            if (earlier == kind)
            {
                return LearnOutcome.AlreadyLearned;
            }
            if (earlier is { } other)
            {
                await CountAsync(connection, tx, tokens, other, -1, cancellationToken);
            }
            await CountAsync(connection, tx, tokens, kind, +1, cancellationToken);
            using (var mark = Command(connection, tx, "INSERT OR REPLACE INTO seen (digest, class, learned_at) VALUES (@d, @c, @at)"))
            {
                mark.Parameters.AddWithValue("@d", digest);
                mark.Parameters.AddWithValue("@c", (long)kind);
                mark.Parameters.AddWithValue("@at", _time.GetUtcNow().ToUnixTimeMilliseconds());
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
            return earlier is null ? LearnOutcome.Learned : LearnOutcome.Relearned;
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Bayes data {path}: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Messages learned per class and distinct tokens; zeros when the account never learned anything.</summary>
    /// <exception cref="IOException">The database cannot be read.</exception>
    public async Task<(long Spam, long Ham, long Tokens)> GetTotalsAsync(string account, CancellationToken cancellationToken)
    {
        var path = PathOf(account);
        try
        {
            using var connection = Open(path, create: false);
            if (connection is null)
            {
                return (0, 0, 0);
            }
            var (spam, ham) = await TotalsAsync(connection, cancellationToken);
            using var count = Command(connection, null, "SELECT count(*) FROM tokens");
            var tokens = (long)(await count.ExecuteScalarAsync(cancellationToken) ?? 0L);
            return (spam, ham, tokens);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Bayes data {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Messages learned per class (one row read, cheap); null when the account has no Bayes data.</summary>
    /// <exception cref="IOException">The database cannot be read.</exception>
    public async Task<(long Spam, long Ham)?> GetMessageCountsAsync(string account, CancellationToken cancellationToken)
    {
        var path = PathOf(account);
        try
        {
            using var connection = Open(path, create: false);
            return connection is null ? null : await TotalsAsync(connection, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Bayes data {path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The totals and the counts of those of <paramref name="tokens"/> that were ever seen (tokens
    /// never seen are absent from the dictionary); null when the account has no Bayes data.
    /// </summary>
    /// <exception cref="IOException">The database cannot be read.</exception>
    public async Task<BayesCounts?> LookupAsync(string account, IReadOnlySet<string> tokens, CancellationToken cancellationToken)
    {
        var path = PathOf(account);
        try
        {
            using var connection = Open(path, create: false);
            if (connection is null)
            {
                return null;
            }
            using var tx = connection.BeginTransaction(deferred: true);
            var (spam, ham) = await TotalsAsync(connection, cancellationToken, tx);
            var counts = new Dictionary<string, (long Spam, long Ham)>(StringComparer.Ordinal);
            using var select = Command(connection, tx, "SELECT spam, ham FROM tokens WHERE token = @t");
            var parameter = select.Parameters.Add("@t", SqliteType.Text);
            select.Prepare();
            foreach (var token in tokens)
            {
                parameter.Value = token;
                using var reader = await select.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    counts[token] = (reader.GetInt64(0), reader.GetInt64(1));
                }
            }
            return new BayesCounts(spam, ham, counts);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Bayes data {path}: {ex.Message}", ex);
        }
    }

    private static async Task CountAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlySet<string> tokens, SpamClass kind, int delta, CancellationToken cancellationToken)
    {
        var column = kind == SpamClass.Spam ? "spam" : "ham";
        using (var totals = Command(connection, tx, $"UPDATE totals SET {column} = max({column} + @delta, 0) WHERE id = 1"))
        {
            totals.Parameters.AddWithValue("@delta", delta);
            await totals.ExecuteNonQueryAsync(cancellationToken);
        }
        using var upsert = Command(connection, tx, delta > 0
            ? $"INSERT INTO tokens (token, spam, ham) VALUES (@t, @s, @h) ON CONFLICT (token) DO UPDATE SET {column} = {column} + 1"
            : $"UPDATE tokens SET {column} = max({column} - 1, 0) WHERE token = @t");
        var parameter = upsert.Parameters.Add("@t", SqliteType.Text);
        upsert.Parameters.AddWithValue("@s", kind == SpamClass.Spam ? 1 : 0);
        upsert.Parameters.AddWithValue("@h", kind == SpamClass.Ham ? 1 : 0);
        upsert.Prepare();
        foreach (var token in tokens)
        {
            parameter.Value = token;
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (delta < 0)
        {
            using var prune = Command(connection, tx, "DELETE FROM tokens WHERE spam = 0 AND ham = 0");
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<(long Spam, long Ham)> TotalsAsync(SqliteConnection connection, CancellationToken cancellationToken, SqliteTransaction? tx = null)
    {
        using var totals = Command(connection, tx, "SELECT spam, ham FROM totals WHERE id = 1");
        using var reader = await totals.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Opens the account's database, creating it when <paramref name="create"/>; null when it does not exist and is not to be created.</summary>
    private SqliteConnection? Open(string path, bool create)
    {
        if (!create && !_created.ContainsKey(path) && !File.Exists(path))
        {
            return null;
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 10 }.ToString());
        if (!_created.ContainsKey(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection.Open();
            using var schema = connection.CreateCommand();
            schema.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, spam INTEGER NOT NULL, ham INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY CHECK (id = 1), spam INTEGER NOT NULL, ham INTEGER NOT NULL);
                INSERT OR IGNORE INTO totals (id, spam, ham) VALUES (1, 0, 0);
                CREATE TABLE IF NOT EXISTS seen (digest BLOB PRIMARY KEY, class INTEGER NOT NULL, learned_at INTEGER NOT NULL) WITHOUT ROWID;
                """;
            schema.ExecuteNonQuery();
            _created[path] = true;
            return connection;
        }
        connection.Open();
        return connection;
    }

    /// <summary>Releases pooled connections.</summary>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var gate in _locks.Values)
        {
            gate.Dispose();
        }
    }
}

/// <summary>What <see cref="BayesStore.LookupAsync"/> found.</summary>
/// <param name="SpamMessages">Messages learned as spam.</param>
/// <param name="HamMessages">Messages learned as ham.</param>
/// <param name="Tokens">Spam and ham counts of the looked-up tokens that were seen.</param>
public sealed record BayesCounts(long SpamMessages, long HamMessages, IReadOnlyDictionary<string, (long Spam, long Ham)> Tokens);

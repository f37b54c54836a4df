using System.Globalization;
using System.Text.Json;
using Mail.Shared.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering;

/// <summary>
/// Verdict records in <c>{DataPath}/filters/verdicts.db</c> (SQLite, WAL): table <c>verdicts</c>,
/// primary key (account, queue_id), index (account, received_at); the checks as a JSON array.
/// </summary>
/// <remarks>
/// Why a database of its own and not the platform DB or a store column: the record is written by
/// the SMTP-in tier on every message, must not slow the mailbox index, and is keyed by the queue id
/// that travels inside the message (<c>X-Mail-Scan: id=</c>), so it survives moves between mailboxes.
/// A webmail on the same node opens it read-only through <see cref="IVerdictStore"/>.
/// Writes are serialized in-process; SQLite's busy timeout covers another process reading.
/// </remarks>
public sealed class SqliteVerdictStore : IVerdictStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS verdicts (
            account TEXT NOT NULL,
            queue_id TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            uid INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            action TEXT NOT NULL,
            score REAL,
            junk_score REAL NOT NULL,
            reject_score REAL NOT NULL,
            sender TEXT NOT NULL,
            message_id TEXT,
            checks TEXT NOT NULL,
            PRIMARY KEY (account, queue_id)
        );
        CREATE INDEX IF NOT EXISTS verdicts_account_time ON verdicts (account, received_at);
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteLazySchema _schema;

    public SqliteVerdictStore(IOptions<MailOptions> options)
    {
        var directory = System.IO.Path.Combine(options.Value.FullDataPath, "filters");
        Path = System.IO.Path.Combine(directory, "verdicts.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 10 }.ToString();
        _schema = new SqliteLazySchema(_connectionString, directory, Schema);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task RecordAsync(IReadOnlyList<VerdictRecord> records, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT OR REPLACE INTO verdicts (account, queue_id, mailbox, uid, received_at, action, score, junk_score, reject_score, sender, message_id, checks) " +
                "VALUES (@account, @queue, @mailbox, @uid, @at, @action, @score, @junk, @reject, @sender, @mid, @checks)";
            foreach (var r in records)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("@account", r.Account);
                cmd.Parameters.AddWithValue("@queue", r.QueueId);
                cmd.Parameters.AddWithValue("@mailbox", r.Mailbox);
                cmd.Parameters.AddWithValue("@uid", (long)r.Uid);
                cmd.Parameters.AddWithValue("@at", r.ReceivedAt.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("@action", r.Action.ToString());
                cmd.Parameters.AddWithValue("@score", r.Score is { } s ? s : DBNull.Value);
                cmd.Parameters.AddWithValue("@junk", r.JunkScore);
                cmd.Parameters.AddWithValue("@reject", r.RejectScore);
                cmd.Parameters.AddWithValue("@sender", r.Sender);
                cmd.Parameters.AddWithValue("@mid", (object?)r.MessageId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@checks", JsonSerializer.Serialize(r.Checks, Json));
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Verdict store {Path}: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<VerdictRecord?> FindAsync(string account, string queueId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("WHERE account = @account AND queue_id = @queue", account, queueId, 1, cancellationToken);
        return list.Count > 0 ? list[0] : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VerdictRecord>> ListAsync(string account, int limit, CancellationToken cancellationToken) =>
        QueryAsync("WHERE account = @account", account, null, limit, cancellationToken);

    private async Task<IReadOnlyList<VerdictRecord>> QueryAsync(string where, string account, string? queueId, int limit, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT account, queue_id, mailbox, uid, received_at, action, score, junk_score, reject_score, sender, message_id, checks FROM verdicts " +
            where + " ORDER BY received_at DESC LIMIT @limit";
        cmd.Parameters.AddWithValue("@account", account.ToLowerInvariant());
        cmd.Parameters.AddWithValue("@queue", (object?)queueId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@limit", limit);
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<VerdictRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new VerdictRecord(
                reader.GetString(1),
                reader.GetString(0),
                reader.GetString(2),
                (uint)reader.GetInt64(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                Enum.Parse<FilterAction>(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.GetDouble(7),
                reader.GetDouble(8),
                reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                JsonSerializer.Deserialize<List<VerdictCheck>>(reader.GetString(11), Json) ?? []));
        }
        return list;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        _schema.EnsureCreated();
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

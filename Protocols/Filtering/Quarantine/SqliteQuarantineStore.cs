using System.Globalization;
using System.Security.Cryptography;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>
/// The quarantine in <c>{DataPath}/filters/quarantine/</c>: <c>quarantine.db</c> (SQLite, WAL, <c>synchronous=FULL</c>:
/// one row per recipient account) and <c>messages/QUEUEID-RANDOM.eml</c> (the kept octets, written once per message
/// and shared by its recipients' rows: temp file, fsync, rename, directory fsync, like the mailbox store).
/// </summary>
/// <remarks>
/// Exactly-once release: a release is a state change <c>held → requested</c> (only from held), then one node claims it
/// <c>requested → releasing</c> (a conditional UPDATE: one claimant wins), delivers, and marks it <c>released</c>.
/// A crash between the INBOX commit and the <c>released</c> mark leaves the row <c>releasing</c>: it is never
/// delivered again by itself (at most once), and the admin sees the state. The webmail and the admin CLI (another
/// process) open the same files; writes in this process are serialized, SQLite's busy timeout covers the others.
/// </remarks>
public sealed class SqliteQuarantineStore : IQuarantineStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS quarantine (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            queue_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            score REAL,
            sender TEXT NOT NULL,
            from_field TEXT NOT NULL,
            subject TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            size INTEGER NOT NULL,
            state TEXT NOT NULL,
            requested_at INTEGER,
            released_at INTEGER,
            released_uid INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            file TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS quarantine_account_time ON quarantine (account, received_at);
        CREATE INDEX IF NOT EXISTS quarantine_state ON quarantine (state, requested_at);
        CREATE INDEX IF NOT EXISTS quarantine_expiry ON quarantine (expires_at);
        """;

    private const string Columns = "id, account, queue_id, reason, detail, score, sender, from_field, subject, received_at, expires_at, size, state, released_at, released_uid, last_error, file";

    private readonly string _connectionString;
    private readonly string _messages;
    private readonly QuarantineOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteLazySchema _schema;

    public SqliteQuarantineStore(IOptions<MailOptions> mail, IOptions<FilterOptions> options, TimeProvider time)
    {
        _time = time;
        Directory = System.IO.Path.Combine(mail.Value.FullDataPath, "filters", "quarantine");
        _messages = System.IO.Path.Combine(Directory, "messages");
        _options = options.Value.Quarantine;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = System.IO.Path.Combine(Directory, "quarantine.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
        // The messages folder is inside the quarantine folder: creating it creates both.
        _schema = new SqliteLazySchema(_connectionString, _messages, Schema);
    }

    /// <summary>The quarantine directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QuarantineEntry>> HoldAsync(QuarantineHold hold, Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(message);
        _schema.EnsureCreated();
        var file = FormattableString.Invariant($"{hold.QueueId}-{NewId()[..8]}.eml");
        var path = System.IO.Path.Combine(_messages, file);
        var size = await WriteDurablyAsync(path, message, cancellationToken);
        var entries = hold.Accounts
            .Select(a => new QuarantineEntry(NewId(), a.ToLowerInvariant(), hold.QueueId, hold.Reason, hold.Detail, hold.Score, hold.Sender, hold.From, hold.Subject,
                hold.ReceivedAt, hold.ReceivedAt + _options.Retention, size, QuarantineState.Held))
            .ToList();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO quarantine ({Columns}) VALUES (@id, @account, @queue, @reason, @detail, @score, @sender, @from, @subject, @at, @expires, @size, @state, NULL, 0, NULL, @file)";
            foreach (var e in entries)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("@id", e.Id);
                cmd.Parameters.AddWithValue("@account", e.Account);
                cmd.Parameters.AddWithValue("@queue", e.QueueId);
                cmd.Parameters.AddWithValue("@reason", e.Reason.ToString());
                cmd.Parameters.AddWithValue("@detail", e.Detail);
                cmd.Parameters.AddWithValue("@score", e.Score is { } s ? s : DBNull.Value);
                cmd.Parameters.AddWithValue("@sender", e.Sender);
                cmd.Parameters.AddWithValue("@from", e.From);
                cmd.Parameters.AddWithValue("@subject", e.Subject);
                cmd.Parameters.AddWithValue("@at", e.ReceivedAt.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("@expires", e.ExpiresAt.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("@size", e.Size);
                cmd.Parameters.AddWithValue("@state", e.State.ToString());
                cmd.Parameters.AddWithValue("@file", file);
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            File.Delete(path);
            throw new IOException($"Quarantine index: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
        return entries;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantineEntry>> ListAsync(string? account, CancellationToken cancellationToken) =>
        QueryAsync(account is null ? "" : "WHERE account = @account", account, null, _options.MaxListed, cancellationToken);

    /// <inheritdoc />
    public async Task<QuarantineEntry?> FindAsync(string? account, string id, CancellationToken cancellationToken)
    {
        var list = await QueryAsync(account is null ? "WHERE id = @id" : "WHERE id = @id AND account = @account", account, id, 1, cancellationToken);
        return list.Count > 0 ? list[0] : null;
    }

    /// <inheritdoc />
    public Stream? OpenMessage(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var file = FileOf(entry.Id);
        if (file is null)
        {
            return null;
        }
        try
        {
            return new FileStream(System.IO.Path.Combine(_messages, file), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<QuarantineChange> RequestReleaseAsync(string? account, string id, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(
            "UPDATE quarantine SET state = 'ReleaseRequested', requested_at = @now WHERE id = @id AND state = 'Held'" + (account is null ? "" : " AND account = @account"),
            account, id, null, cancellationToken);
        if (changed == 1)
        {
            return QuarantineChange.ReleaseRequested;
        }
        return await FindAsync(account, id, cancellationToken) is null ? QuarantineChange.NotFound : QuarantineChange.AlreadyReleased;
    }

    /// <inheritdoc />
    public async Task<QuarantineChange> DeleteAsync(string? account, string id, CancellationToken cancellationToken)
    {
        var file = FileOf(id);
        var changed = await ExecuteAsync(
            "DELETE FROM quarantine WHERE id = @id AND state <> 'Releasing'" + (account is null ? "" : " AND account = @account"),
            account, id, null, cancellationToken);
        if (changed == 1)
        {
            await DropFileIfUnusedAsync(file, cancellationToken);
            return QuarantineChange.Deleted;
        }
        return await FindAsync(account, id, cancellationToken) is null ? QuarantineChange.NotFound : QuarantineChange.Busy;
    }

    /// <inheritdoc />
    public async Task<QuarantineEntry?> ClaimReleaseAsync(CancellationToken cancellationToken)
    {
        var waiting = await QueryAsync("WHERE state = 'ReleaseRequested'", null, null, 1, cancellationToken, "requested_at");
        if (waiting.Count == 0)
        {
            return null;
        }
        var changed = await ExecuteAsync("UPDATE quarantine SET state = 'Releasing' WHERE id = @id AND state = 'ReleaseRequested'", null, waiting[0].Id, null, cancellationToken);
        return changed == 1 ? waiting[0] with { State = QuarantineState.Releasing } : null;
    }

    /// <inheritdoc />
    public async Task CompleteReleaseAsync(string id, uint uid, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (error is null)
        {
            await ExecuteAsync("UPDATE quarantine SET state = 'Released', released_at = @now, released_uid = @uid, last_error = NULL WHERE id = @id AND state = 'Releasing'",
                null, id, cmd =>
                {
                    cmd.Parameters.AddWithValue("@uid", (long)uid);
                    cmd.Parameters["@now"].Value = now.ToUnixTimeMilliseconds();
                }, cancellationToken);
            await DropFileIfUnusedAsync(FileOf(id), cancellationToken);
        }
        else
        {
            await ExecuteAsync("UPDATE quarantine SET state = 'Held', last_error = @error WHERE id = @id AND state = 'Releasing'",
                null, id, cmd => cmd.Parameters.AddWithValue("@error", error), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        _schema.EnsureCreated();
        var files = new List<string>();
        using (var connection = Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT DISTINCT file FROM quarantine WHERE expires_at <= @now AND state <> 'Releasing'";
            cmd.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                files.Add(reader.GetString(0));
            }
        }
        var deleted = await ExecuteAsync("DELETE FROM quarantine WHERE expires_at <= @now AND state <> 'Releasing'", null, null,
            cmd => cmd.Parameters["@now"].Value = now.ToUnixTimeMilliseconds(), cancellationToken);
        foreach (var file in files)
        {
            await DropFileIfUnusedAsync(file, cancellationToken);
        }
        return deleted;
    }

    /// <summary>Deletes <paramref name="file"/> when no entry still needs its octets (held, requested or releasing).</summary>
    private async Task DropFileIfUnusedAsync(string? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }
        using (var connection = Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT COUNT(*) FROM quarantine WHERE file = @file AND state <> 'Released'";
            cmd.Parameters.AddWithValue("@file", file);
            if (Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }
        File.Delete(System.IO.Path.Combine(_messages, file));
    }

    private string? FileOf(string id)
    {
        _schema.EnsureCreated();
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT file FROM quarantine WHERE id = @id";
        cmd.Parameters.AddWithValue("@id", id);
        return cmd.ExecuteScalar() as string;
    }

    private async Task<int> ExecuteAsync(string sql, string? account, string? id, Action<SqliteCommand>? extra, CancellationToken cancellationToken)
    {
        _schema.EnsureCreated();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("@id", (object?)id ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@account", (object?)account?.ToLowerInvariant() ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            extra?.Invoke(cmd);
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new IOException($"Quarantine index: {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<IReadOnlyList<QuarantineEntry>> QueryAsync(string where, string? account, string? id, int limit, CancellationToken cancellationToken, string order = "received_at DESC")
    {
        _schema.EnsureCreated();
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM quarantine {where} ORDER BY {order} LIMIT @limit";
        cmd.Parameters.AddWithValue("@account", (object?)account?.ToLowerInvariant() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@id", (object?)id ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@limit", limit);
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<QuarantineEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new QuarantineEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                Enum.Parse<QuarantineReason>(reader.GetString(3)),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetString(8),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                reader.GetInt64(11),
                Enum.Parse<QuarantineState>(reader.GetString(12)))
            {
                ReleasedAt = reader.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
                ReleasedUid = (uint)reader.GetInt64(14),
                LastError = reader.IsDBNull(15) ? null : reader.GetString(15),
            });
        }
        return list;
    }

    /// <summary>Temp file, fsync, rename, directory fsync; returns the octets written.</summary>
    private async Task<long> WriteDurablyAsync(string path, Stream message, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        try
        {
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await message.CopyToAsync(file, cancellationToken);
                size = file.Length;
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
            NativeFileSystem.SyncDirectory(_messages);
            return size;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        // WAL + FULL: a commit is on disk when it returns (the quarantine copy backs a 250).
        cmd.CommandText = "PRAGMA synchronous = FULL;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Releases pooled connections to the file.</summary>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _writeLock.Dispose();
    }
}

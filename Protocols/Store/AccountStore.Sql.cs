using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

// Index access shared by the operations: mailbox rows, meta values, message rows.
internal sealed partial class AccountStore
{
    private const string MessageColumns = "uid, flags, keywords, modseq, internal_date, internal_offset, size, email_id, save_date";

    private SqliteCommand Command(SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = (tx?.Connection ?? _writer).CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return cmd;
    }

    private int Execute(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(tx, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private object? Scalar(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(tx, sql, parameters);
        return cmd.ExecuteScalar();
    }

    private long ReadMeta(SqliteTransaction tx, string key) =>
        Scalar(tx, "SELECT value FROM meta WHERE key = @key", ("@key", key)) is long value ? value : 0;

    private void WriteMeta(SqliteTransaction tx, string key, long value) =>
        Execute(tx, "INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("@key", key), ("@value", value));

    /// <summary>
    /// A new UIDVALIDITY: the current time in seconds, but always above every value issued before in
    /// this account, so a mailbox deleted and re-created (even within a second) gets a new one.
    /// </summary>
    private uint NextUidValidity(SqliteTransaction tx)
    {
        var last = ReadMeta(tx, "last_uidvalidity");
        var now = Math.Clamp(_context.Time.GetUtcNow().ToUnixTimeSeconds(), 1, uint.MaxValue);
        var next = Math.Max(now, last + 1);
        if (next > uint.MaxValue)
        {
            throw new IOException("UIDVALIDITY space of the account is exhausted.");
        }
        WriteMeta(tx, "last_uidvalidity", next);
        return (uint)next;
    }

    private MailboxRow InsertMailbox(SqliteTransaction tx, string name, SpecialUse use)
    {
        var uidValidity = NextUidValidity(tx);
        using var cmd = Command(tx, "INSERT INTO mailboxes (name, special_use, uidvalidity, uidnext, highestmodseq) VALUES (@name, @use, @uidvalidity, 1, 1) RETURNING id",
            ("@name", name), ("@use", (int)use), ("@uidvalidity", (long)uidValidity));
        var id = (long)cmd.ExecuteScalar()!;
        return new MailboxRow(id, name, use, uidValidity, 1, 1);
    }

    private MailboxRow? FindMailbox(SqliteTransaction tx, string name) =>
        ReadMailbox(tx, "name = @key", name);

    private MailboxRow? FindMailbox(SqliteTransaction tx, long id) =>
        ReadMailbox(tx, "id = @key", id);

    private MailboxRow? ReadMailbox(SqliteTransaction tx, string where, object key)
    {
        using var cmd = Command(tx, "SELECT id, name, special_use, uidvalidity, uidnext, highestmodseq FROM mailboxes WHERE " + where, ("@key", key));
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return new MailboxRow(reader.GetInt64(0), reader.GetString(1), (SpecialUse)reader.GetInt32(2), (uint)reader.GetInt64(3), (uint)reader.GetInt64(4), (ulong)reader.GetInt64(5));
    }

    private void SaveMailbox(SqliteTransaction tx, MailboxRow row) =>
        Execute(tx, "UPDATE mailboxes SET uidnext = @uidnext, highestmodseq = @modseq WHERE id = @id",
            ("@uidnext", (long)row.UidNext), ("@modseq", (long)row.HighestModSeq), ("@id", row.Id));

    private static MessageRecord ReadMessage(SqliteDataReader reader, int offset = 0)
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 4)).ToOffset(TimeSpan.FromMinutes(reader.GetInt32(offset + 5)));
        return new MessageRecord(
            (uint)reader.GetInt64(offset),
            (MessageFlags)reader.GetInt32(offset + 1),
            Keywords.Decode(reader.GetString(offset + 2)),
            (ulong)reader.GetInt64(offset + 3),
            date,
            reader.GetInt64(offset + 6),
            reader.GetString(offset + 7))
        {
            SaveDate = reader.GetInt64(offset + 8) > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 8)) : null,
        };
    }

    private static string UidJson(IReadOnlyList<uint> uids) =>
        string.Concat("[", string.Join(",", uids.Select(u => u.ToString(CultureInfo.InvariantCulture))), "]");

    /// <summary>Removes files that no message row names any more (called under the write lock, after commit).</summary>
    private void RemoveUnreferencedFiles(IEnumerable<string> files)
    {
        var unreferenced = new List<string>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            using var cmd = Command(null, "SELECT EXISTS (SELECT 1 FROM messages WHERE file = @file)", ("@file", file));
            if ((long)cmd.ExecuteScalar()! == 0)
            {
                unreferenced.Add(file);
            }
        }
        if (unreferenced.Count == 0)
        {
            return;
        }
        // Text rows go first (one transaction); a crash before the unlink leaves a file recovery removes.
        using (var tx = _writer.BeginTransaction())
        {
            DeleteText(tx, unreferenced);
            DeleteSortKeys(tx, unreferenced);
            tx.Commit();
        }
        foreach (var file in unreferenced)
        {
            try
            {
                File.Delete(Path.Combine(_curDirectory, file));
            }
            catch (IOException ex)
            {
                StoreLog.FileRemoveFailed(_context.Logger, Account, file, ex);
            }
        }
    }

    /// <summary>A mailbox row as the writer sees it inside a transaction; changes are saved with <see cref="SaveMailbox"/>.</summary>
    private sealed class MailboxRow(long id, string name, SpecialUse use, uint uidValidity, uint uidNext, ulong highestModSeq)
    {
        private bool _bumped;

        public long Id { get; } = id;

        public string Name { get; } = name;

        public SpecialUse Use { get; } = use;

        public uint UidValidity { get; } = uidValidity;

        public uint UidNext { get; set; } = uidNext;

        public ulong HighestModSeq { get; private set; } = highestModSeq;

        /// <summary>The MODSEQ of the current operation: HIGHESTMODSEQ + 1, taken once per operation (RFC 7162 §3.1).</summary>
        public ulong ModSeqForChange()
        {
            if (!_bumped)
            {
                HighestModSeq++;
                _bumped = true;
            }
            return HighestModSeq;
        }

        /// <summary>Takes the next UID.</summary>
        public uint TakeUid()
        {
            if (UidNext == uint.MaxValue)
            {
                throw new IOException($"UID space of mailbox {Name} is exhausted.");
            }
            return UidNext++;
        }
    }
}

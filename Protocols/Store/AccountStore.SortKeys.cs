using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

// IMAP SORT keys (StoreSchema v6: sort_keys, one row per message file, written with the message; backfilled in the
// background for messages stored before v6).
internal sealed partial class AccountStore
{
    /// <summary>Files whose keys are committed per transaction by the backfill.</summary>
    private const int SortBackfillBatch = 512;

    private readonly CancellationTokenSource _backgroundStop = new();

    /// <summary>
    /// The backfill of missing sort keys started when the account was opened (completed when nothing was missing).
    /// Tests await it; it ends early, without error, when the store is disposed.
    /// </summary>
    internal Task SortBackfill { get; private set; } = Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageSortEntry>> GetSortKeysAsync(long mailboxId, SortKeyFields fields, uint aboveUid, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        // The columns asked for only: a SORT (FROM) over 100,000 messages reads one short string per message.
        cmd.CommandText = "SELECT m.uid, s.file IS NOT NULL, "
            + Column(fields, SortKeyFields.SentDate, "s.sent_date") + ", "
            + Column(fields, SortKeyFields.Subject, "s.subject") + ", "
            + Column(fields, SortKeyFields.FromMailbox, "s.from_mailbox") + ", "
            + Column(fields, SortKeyFields.FromDisplay, "s.from_display") + ", "
            + Column(fields, SortKeyFields.ToMailbox, "s.to_mailbox") + ", "
            + Column(fields, SortKeyFields.ToDisplay, "s.to_display") + ", "
            + Column(fields, SortKeyFields.CcMailbox, "s.cc_mailbox")
            + " FROM messages m LEFT JOIN sort_keys s ON s.file = m.file WHERE m.mailbox_id = @id AND m.uid > @above ORDER BY m.uid";
        cmd.Parameters.AddWithValue("@id", mailboxId);
        cmd.Parameters.AddWithValue("@above", (long)aboveUid);
        using var reader = cmd.ExecuteReader();
        var list = new List<MessageSortEntry>();
        while (reader.Read())
        {
            var uid = (uint)reader.GetInt64(0);
            if (reader.GetInt64(1) == 0)
            {
                list.Add(new MessageSortEntry(uid, null));
                continue;
            }
            DateTimeOffset? date = reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
            list.Add(new MessageSortEntry(uid, new MessageSortKeys(date, Text(reader, 3), Text(reader, 4), Text(reader, 5), Text(reader, 6), Text(reader, 7), Text(reader, 8))));
        }
        return Task.FromResult<IReadOnlyList<MessageSortEntry>>(list);

        static string Column(SortKeyFields fields, SortKeyFields field, string column) => (fields & field) != 0 ? column : "NULL";

        static string Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? "" : reader.GetString(ordinal);
    }

    /// <summary>
    /// Starts (once, at open) the background backfill of the sort keys of messages stored before schema v6 (or adopted
    /// by recovery): reads only their header sections, one file at a time, and commits the rows in batches under the
    /// write lock, so a user's first SORT never waits for it.
    /// </summary>
    private void StartSortBackfill() =>
        SortBackfill = Task.Run(() => BackfillSortKeysAsync(_backgroundStop.Token), CancellationToken.None);

    private async Task BackfillSortKeysAsync(CancellationToken cancellationToken)
    {
        try
        {
            var missing = new List<string>();
            using (var connection = OpenReader())
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT DISTINCT m.file FROM messages m WHERE NOT EXISTS (SELECT 1 FROM sort_keys s WHERE s.file = m.file)";
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    missing.Add(reader.GetString(0));
                }
            }
            if (missing.Count == 0)
            {
                return;
            }
            StoreLog.SortKeyBackfill(_context.Logger, Account, missing.Count);
            foreach (var chunk in missing.Chunk(SortBackfillBatch))
            {
                var keys = new MessageSortKeys?[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    keys[i] = await ReadSortKeysAsync(chunk[i], cancellationToken);
                }
                using (await LockAsync(cancellationToken))
                {
                    using var tx = _writer.BeginTransaction();
                    using var insert = new SortKeyInserter(this, tx, onlyReferenced: true);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        if (keys[i] is { } k)
                        {
                            insert.Insert(chunk[i], k);
                        }
                    }
                    tx.Commit();
                }
            }
            StoreLog.SortKeyBackfillDone(_context.Logger, Account, missing.Count);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The store closed meanwhile; the next open resumes with what is still missing.
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            StoreLog.SortKeyBackfillFailed(_context.Logger, Account, ex);
        }
    }

    /// <summary>The keys of one stored file (its header section only), null when the file is gone.</summary>
    private async Task<MessageSortKeys?> ReadSortKeysAsync(string file, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(_curDirectory, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        await using (stream)
        {
            return await MessageSortKeys.ReadAsync(stream, cancellationToken);
        }
    }

    /// <summary>Deletes the sort key rows of files no message names any more (inside <paramref name="tx"/>).</summary>
    private void DeleteSortKeys(SqliteTransaction tx, IReadOnlyList<string> files)
    {
        using var delete = Command(tx, "DELETE FROM sort_keys WHERE file = @file", ("@file", ""));
        foreach (var file in files)
        {
            delete.Parameters["@file"].Value = file;
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>Inserts sort key rows within one transaction (one prepared command).</summary>
    private sealed class SortKeyInserter : IDisposable
    {
        private readonly SqliteCommand _insert;

        /// <param name="store">The store.</param>
        /// <param name="tx">The writer's transaction.</param>
        /// <param name="onlyReferenced">Skip a file no message names (removed while a backfill read it).</param>
        public SortKeyInserter(AccountStore store, SqliteTransaction tx, bool onlyReferenced)
        {
            _insert = store.Command(tx, "INSERT INTO sort_keys (file, sent_date, subject, from_mailbox, from_display, to_mailbox, to_display, cc_mailbox) " +
                "SELECT @file, @date, @subject, @from, @fromdisplay, @to, @todisplay, @cc" +
                // An INSERT ... SELECT with ON CONFLICT needs a WHERE (SQLite's upsert parsing rule).
                (onlyReferenced ? " WHERE EXISTS (SELECT 1 FROM messages WHERE file = @file)" : " WHERE true") +
                " ON CONFLICT (file) DO NOTHING",
                ("@file", ""), ("@date", null), ("@subject", ""), ("@from", ""), ("@fromdisplay", ""), ("@to", ""), ("@todisplay", ""), ("@cc", ""));
        }

        /// <summary>Adds the keys of <paramref name="file"/> unless it has them already (a copy, or a concurrent backfill).</summary>
        public void Insert(string file, MessageSortKeys keys)
        {
            var p = _insert.Parameters;
            p["@file"].Value = file;
            p["@date"].Value = keys.SentDate is { } date ? date.ToUnixTimeMilliseconds() : DBNull.Value;
            p["@subject"].Value = keys.Subject;
            p["@from"].Value = keys.FromMailbox;
            p["@fromdisplay"].Value = keys.FromDisplay;
            p["@to"].Value = keys.ToMailbox;
            p["@todisplay"].Value = keys.ToDisplay;
            p["@cc"].Value = keys.CcMailbox;
            _insert.ExecuteNonQuery();
        }

        public void Dispose() => _insert.Dispose();
    }
}

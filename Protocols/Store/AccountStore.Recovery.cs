namespace Mail.Protocols.Store;

// Recovery when an account is first opened in a process (nothing else runs on the account yet).
internal sealed partial class AccountStore
{
    /// <summary>
    /// Brings files and index back in line after a crash. SQLite itself rolls back an interrupted
    /// transaction (WAL); what is left are files:
    /// <list type="bullet">
    /// <item><c>tmp/</c>: always emptied (never acknowledged, possibly incomplete).</item>
    /// <item>A file in <c>cur/</c> that no index row names: removed. Its UID was never committed, so no
    /// client saw it and no 250/APPEND OK was given for it; adopting it would need proof of completeness
    /// and would turn a refused delivery into a duplicate once the sender retries.</item>
    /// <item>An index row whose file is missing (damage from outside; our expunge commits before it
    /// unlinks): the message is expunged (recorded in <c>expunged</c> with a new MODSEQ) so clients
    /// see it vanish instead of failing to fetch it.</item>
    /// </list>
    /// UIDNEXT is never lowered: it lives in the same committed rows as the messages.
    /// Exception: when the index was just created but <c>cur/</c> already holds files, the index was lost
    /// (deleted or replaced after damage). Those files were complete when they got their names, so they
    /// are adopted into INBOX in file-name order (arrival time to the second) rather than deleted: flags are
    /// lost, mail is not.
    /// </summary>
    private void Recover(bool indexCreated)
    {
        var tempFiles = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(_tmpDirectory))
        {
            File.Delete(path);
            tempFiles++;
        }
        var onDisk = new HashSet<string>(System.IO.Directory.EnumerateFiles(_curDirectory).Select(Path.GetFileName)!, StringComparer.Ordinal);
        var missing = new List<(long MailboxId, uint Uid)>();
        using (var tx = _writer.BeginTransaction())
        {
            using (var cmd = Command(tx, "SELECT mailbox_id, uid, file FROM messages"))
            using (var reader = cmd.ExecuteReader())
            {
                var referenced = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read())
                {
                    var file = reader.GetString(2);
                    if (onDisk.Contains(file) || referenced.Contains(file))
                    {
                        referenced.Add(file);
                    }
                    else
                    {
                        missing.Add((reader.GetInt64(0), (uint)reader.GetInt64(1)));
                    }
                }
                onDisk.ExceptWith(referenced);
            }
            foreach (var group in missing.GroupBy(m => m.MailboxId))
            {
                var mailbox = FindMailbox(tx, group.Key);
                if (mailbox is null)
                {
                    Execute(tx, "DELETE FROM messages WHERE mailbox_id = @id", ("@id", group.Key));
                    continue;
                }
                ExpungeRows(tx, mailbox, group.Select(m => m.Uid).ToList());
                SaveMailbox(tx, mailbox);
            }
            tx.Commit();
        }
        if (indexCreated && onDisk.Count > 0)
        {
            Adopt(onDisk.Order(StringComparer.Ordinal).ToList());
            return;
        }
        foreach (var orphan in onDisk)
        {
            File.Delete(Path.Combine(_curDirectory, orphan));
        }
        if (tempFiles > 0 || onDisk.Count > 0)
        {
            StoreLog.RecoveryRemovedFiles(_context.Logger, Account, tempFiles, onDisk.Count);
        }
        if (missing.Count > 0)
        {
            StoreLog.RecoveryMissingFiles(_context.Logger, Account, missing.Count);
        }
    }

    /// <summary>Indexes existing message files into INBOX (rebuild after a lost index).</summary>
    private void Adopt(List<string> files)
    {
        using var tx = _writer.BeginTransaction();
        var inbox = FindMailbox(tx, MailboxName.Inbox)!;
        var modseq = inbox.ModSeqForChange();
        using var insert = Command(tx, "INSERT INTO messages (mailbox_id, uid, file, flags, keywords, modseq, internal_date, internal_offset, size, email_id, save_date) " +
            "VALUES (@mailbox, @uid, @file, 0, '', @modseq, @date, 0, @size, @emailid, @date)",
            ("@mailbox", inbox.Id), ("@uid", 0L), ("@file", ""), ("@modseq", (long)modseq), ("@date", 0L), ("@size", 0L), ("@emailid", ""));
        foreach (var file in files)
        {
            var info = new FileInfo(Path.Combine(_curDirectory, file));
            insert.Parameters["@uid"].Value = (long)inbox.TakeUid();
            insert.Parameters["@file"].Value = file;
            insert.Parameters["@date"].Value = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds();
            insert.Parameters["@size"].Value = info.Length;
            insert.Parameters["@emailid"].Value = MessageFiles.NewEmailId();
            insert.ExecuteNonQuery();
        }
        SaveMailbox(tx, inbox);
        tx.Commit();
        StoreLog.IndexRebuilt(_context.Logger, Account, files.Count);
    }
}

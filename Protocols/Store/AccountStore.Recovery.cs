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
    /// </summary>
    private void Recover()
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
}

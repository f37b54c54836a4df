namespace Mail.Protocols.Store;

// COPY and MOVE (RFC 4315 COPYUID, RFC 6851).
internal sealed partial class AccountStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Copies share the immutable message file (no new file, so nothing to fsync); the file is removed
    /// when the last row naming it is expunged. A copy counts against the account and domain quotas, a move does not.
    /// </remarks>
    public async Task<CopyResult> CopyAsync(long sourceMailboxId, IReadOnlyList<uint> uids, string destinationName, bool move, CancellationToken cancellationToken)
    {
        var destinationNameNormalized = MailboxName.Normalize(destinationName);
        if (destinationNameNormalized is null)
        {
            return new CopyResult(StoreStatus.NoSuchMailbox, 0, [], []);
        }
        var quota = move ? 0 : await _context.Quota.GetQuotaOctetsAsync(Account, cancellationToken);
        var sourceUids = new List<uint>();
        var destinationUids = new List<uint>();
        CopyResult result;
        long[] changed;
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            var source = FindMailbox(tx, sourceMailboxId);
            var destination = FindMailbox(tx, destinationNameNormalized);
            if (source is null || destination is null)
            {
                return new CopyResult(StoreStatus.NoSuchMailbox, 0, [], []);
            }
            if (source.Id == destination.Id)
            {
                // One row object per mailbox, so UIDNEXT and MODSEQ changes of both roles accumulate.
                destination = source;
            }
            var rows = new List<(uint Uid, string File, long Size)>();
            using (var select = Command(tx, "SELECT uid, file, size FROM messages WHERE mailbox_id = @id AND uid IN (SELECT value FROM json_each(@uids)) ORDER BY uid",
                ("@id", source.Id), ("@uids", UidJson(uids))))
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(((uint)reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }
            if (rows.Count == 0)
            {
                return new CopyResult(StoreStatus.Ok, destination.UidValidity, [], []);
            }
            var added = rows.Sum(r => r.Size);
            if ((quota > 0 && Interlocked.Read(ref _usedOctets) + added > quota) || (!move && !await DomainHasRoomAsync(added, cancellationToken)))
            {
                return new CopyResult(StoreStatus.OverQuota, destination.UidValidity, [], []);
            }
            var modseq = destination.ModSeqForChange();
            var saved = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
            using var insert = Command(tx, "INSERT INTO messages (mailbox_id, uid, file, flags, keywords, modseq, internal_date, internal_offset, size, email_id, save_date) " +
                "SELECT @to, @newuid, file, flags, keywords, @modseq, internal_date, internal_offset, size, email_id, @saved FROM messages WHERE mailbox_id = @from AND uid = @uid",
                ("@to", destination.Id), ("@newuid", 0L), ("@modseq", (long)modseq), ("@saved", saved), ("@from", source.Id), ("@uid", 0L));
            foreach (var row in rows)
            {
                var newUid = destination.TakeUid();
                insert.Parameters["@newuid"].Value = (long)newUid;
                insert.Parameters["@uid"].Value = (long)row.Uid;
                insert.ExecuteNonQuery();
                sourceUids.Add(row.Uid);
                destinationUids.Add(newUid);
            }
            if (move)
            {
                ExpungeRows(tx, source, sourceUids);
                SaveMailbox(tx, source);
            }
            SaveMailbox(tx, destination);
            tx.Commit();
            if (!_mailboxesIndexed.ContainsKey(source.Id))
            {
                // The copied files may predate the full-text index; the next text search checks the destination again.
                ForgetIndexed(destination.Id);
            }
            if (!move)
            {
                Interlocked.Add(ref _usedOctets, added);
            }
            result = new CopyResult(StoreStatus.Ok, destination.UidValidity, sourceUids, destinationUids);
            changed = move ? [source.Id, destination.Id] : [destination.Id];
        }
        RaiseChanged(changed);
        return result;
    }
}

namespace Mail.Protocols.Store;

// STORE (flags, keywords, CONDSTORE) and EXPUNGE.
internal sealed partial class AccountStore
{
    /// <inheritdoc />
    public Task<FlagUpdateResult> UpdateFlagsAsync(long mailboxId, IReadOnlyList<uint> uids, FlagOperation operation, MessageFlags flags, IReadOnlyList<string> keywords, ulong? unchangedSince, CancellationToken cancellationToken) =>
        UpdateFlagsAsync(mailboxId, uids, operation, flags, keywords, unchangedSince, null, cancellationToken);

    /// <summary>
    /// <see cref="UpdateFlagsAsync(long, IReadOnlyList{uint}, FlagOperation, MessageFlags, IReadOnlyList{string}, ulong?, CancellationToken)"/>
    /// as <paramref name="privateUser"/> sees the mailbox when it is not null: \Seen is read from and written to that user's
    /// row of <c>private_flags</c>, the other flags and keywords to the message itself, with one MODSEQ per changed message
    /// (RFC 7162 §3.1) whichever part changed. Records come back as that user sees them (<see cref="Overlay"/>).
    /// </summary>
    internal async Task<FlagUpdateResult> UpdateFlagsAsync(long mailboxId, IReadOnlyList<uint> uids, FlagOperation operation, MessageFlags flags, IReadOnlyList<string> keywords, ulong? unchangedSince, string? privateUser, CancellationToken cancellationToken)
    {
        var given = Keywords.Normalize(keywords);
        var changed = new List<MessageRecord>();
        var failed = new List<uint>();
        if (uids.Count == 0)
        {
            return new FlagUpdateResult(changed, failed);
        }
        using (await LockAsync(cancellationToken))
        {
            using var tx = _writer.BeginTransaction();
            var mailbox = FindMailbox(tx, mailboxId);
            if (mailbox is null)
            {
                return new FlagUpdateResult(changed, failed);
            }
            var current = ReadForUpdate(tx, mailboxId, uids, privateUser);
            using var update = Command(tx, "UPDATE messages SET flags = @flags, keywords = @keywords, modseq = @modseq WHERE mailbox_id = @id AND uid = @uid",
                ("@flags", 0), ("@keywords", ""), ("@modseq", 0L), ("@id", mailboxId), ("@uid", 0L));
            using var updatePrivate = Command(tx, """
                INSERT INTO private_flags (mailbox_id, user, uid, flags, modseq) VALUES (@id, @user, @uid, @flags, @modseq)
                ON CONFLICT (mailbox_id, user, uid) DO UPDATE SET flags = excluded.flags, modseq = excluded.modseq
                """, ("@id", mailboxId), ("@user", privateUser ?? ""), ("@uid", 0L), ("@flags", 0), ("@modseq", 0L));
            foreach (var (shared, seen) in current)
            {
                var message = privateUser is null ? shared : Overlay(shared, seen.Flags, seen.ModSeq);
                // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is not touched and is reported.
                if (unchangedSince is { } since && message.ModSeq > since)
                {
                    failed.Add(message.Uid);
                    continue;
                }
                var (newFlags, newKeywords) = Apply(message, operation, flags, given);
                if (newFlags == message.Flags && newKeywords.SequenceEqual(message.Keywords, StringComparer.Ordinal))
                {
                    continue;
                }
                var modseq = mailbox.ModSeqForChange();
                var newShared = privateUser is null ? newFlags : (newFlags & ~MessageFlags.Seen) | (shared.Flags & MessageFlags.Seen);
                if (newShared != shared.Flags || !newKeywords.SequenceEqual(shared.Keywords, StringComparer.Ordinal))
                {
                    update.Parameters["@flags"].Value = (int)newShared;
                    update.Parameters["@keywords"].Value = string.Join(' ', newKeywords);
                    update.Parameters["@modseq"].Value = (long)modseq;
                    update.Parameters["@uid"].Value = (long)message.Uid;
                    update.ExecuteNonQuery();
                }
                if (privateUser is not null && (newFlags & MessageFlags.Seen) != (seen.Flags & MessageFlags.Seen))
                {
                    updatePrivate.Parameters["@flags"].Value = (int)(newFlags & MessageFlags.Seen);
                    updatePrivate.Parameters["@modseq"].Value = (long)modseq;
                    updatePrivate.Parameters["@uid"].Value = (long)message.Uid;
                    updatePrivate.ExecuteNonQuery();
                }
                changed.Add(message with { Flags = newFlags, Keywords = newKeywords, ModSeq = modseq });
            }
            if (changed.Count == 0)
            {
                return new FlagUpdateResult(changed, failed);
            }
            SaveMailbox(tx, mailbox);
            tx.Commit();
        }
        RaiseChanged([mailboxId]);
        return new FlagUpdateResult(changed, failed);
    }

    private static (MessageFlags Flags, IReadOnlyList<string> Keywords) Apply(MessageRecord message, FlagOperation operation, MessageFlags flags, List<string> keywords)
    {
        switch (operation)
        {
            case FlagOperation.Replace:
                return (flags, keywords);
            case FlagOperation.Add:
                var added = message.Keywords.ToList();
                added.AddRange(keywords.Where(k => !added.Contains(k, StringComparer.OrdinalIgnoreCase)));
                return (message.Flags | flags, added);
            case FlagOperation.Remove:
                return (message.Flags & ~flags, message.Keywords.Where(k => !keywords.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList());
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<uint>> ExpungeAsync(long mailboxId, IReadOnlyList<uint>? uids, bool requireDeleted, CancellationToken cancellationToken)
    {
        var expunged = new List<uint>();
        if (uids is { Count: 0 })
        {
            return expunged;
        }
        using (await LockAsync(cancellationToken))
        {
            var files = new List<string>();
            using (var tx = _writer.BeginTransaction())
            {
                var mailbox = FindMailbox(tx, mailboxId);
                if (mailbox is null)
                {
                    return expunged;
                }
                var filter = uids is null ? "(flags & 8) <> 0"
                    : requireDeleted ? "(flags & 8) <> 0 AND uid IN (SELECT value FROM json_each(@uids))"
                    : "uid IN (SELECT value FROM json_each(@uids))";
                long freed = 0;
                using (var select = Command(tx, "SELECT uid, file, size FROM messages WHERE mailbox_id = @id AND " + filter + " ORDER BY uid",
                    ("@id", mailboxId), ("@uids", uids is null ? null : UidJson(uids))))
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        expunged.Add((uint)reader.GetInt64(0));
                        files.Add(reader.GetString(1));
                        freed += reader.GetInt64(2);
                    }
                }
                if (expunged.Count == 0)
                {
                    return expunged;
                }
                ExpungeRows(tx, mailbox, expunged);
                SaveMailbox(tx, mailbox);
                tx.Commit();
                Interlocked.Add(ref _usedOctets, -freed);
            }
            RemoveUnreferencedFiles(files);
        }
        RaiseChanged([mailboxId]);
        return expunged;
    }

    /// <summary>Deletes message rows and records them in <c>expunged</c> with the operation's MODSEQ (RFC 7162 §3.2.10 VANISHED).</summary>
    private void ExpungeRows(Microsoft.Data.Sqlite.SqliteTransaction tx, MailboxRow mailbox, List<uint> uids)
    {
        var modseq = mailbox.ModSeqForChange();
        var json = UidJson(uids);
        Execute(tx, "DELETE FROM messages WHERE mailbox_id = @id AND uid IN (SELECT value FROM json_each(@uids))", ("@id", mailbox.Id), ("@uids", json));
        Execute(tx, "DELETE FROM private_flags WHERE mailbox_id = @id AND uid IN (SELECT value FROM json_each(@uids))", ("@id", mailbox.Id), ("@uids", json));
        Execute(tx, "INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) SELECT @id, value, @modseq FROM json_each(@uids)",
            ("@id", mailbox.Id), ("@modseq", (long)modseq), ("@uids", json));
    }
}

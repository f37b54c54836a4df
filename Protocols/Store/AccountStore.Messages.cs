namespace Mail.Protocols.Store;

// Reading messages, APPEND and delivery of a spooled message.
internal sealed partial class AccountStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<MessageRecord>> GetMessagesAsync(long mailboxId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT " + MessageColumns + " FROM messages WHERE mailbox_id = @id ORDER BY uid";
        cmd.Parameters.AddWithValue("@id", mailboxId);
        using var reader = cmd.ExecuteReader();
        var list = new List<MessageRecord>();
        while (reader.Read())
        {
            list.Add(ReadMessage(reader));
        }
        return Task.FromResult<IReadOnlyList<MessageRecord>>(list);
    }

    /// <inheritdoc />
    public Task<MailboxChanges?> GetChangesSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken) =>
        Task.FromResult(GetChangesSince(mailboxId, modSeq, null));

    /// <summary>
    /// <see cref="GetChangesSinceAsync"/> as <paramref name="privateUser"/> sees the mailbox when given (\Seen and MODSEQ
    /// overlaid from the user's <c>private_flags</c> rows, <see cref="Overlay"/>): a private change is a change too.
    /// </summary>
    internal MailboxChanges? GetChangesSince(long mailboxId, ulong modSeq, string? privateUser)
    {
        using var connection = OpenReader();
        // One read transaction: the WAL snapshot makes the counts, rows and expunges agree with each other.
        using var tx = connection.BeginTransaction(deferred: true);
        ulong highest;
        int count;
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT highestmodseq, (SELECT COUNT(*) FROM messages WHERE mailbox_id = @id) FROM mailboxes WHERE id = @id";
            cmd.Parameters.AddWithValue("@id", mailboxId);
            using var reader = cmd.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }
            highest = (ulong)reader.GetInt64(0);
            count = reader.GetInt32(1);
        }
        var changed = new List<MessageRecord>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = privateUser is null
                ? "SELECT " + MessageColumns + " FROM messages WHERE mailbox_id = @id AND modseq > @modseq ORDER BY uid"
                : "SELECT " + PrefixedMessageColumns + """
                    , IFNULL(p.flags, 0), IFNULL(p.modseq, 0)
                    FROM messages m LEFT JOIN private_flags p ON p.mailbox_id = m.mailbox_id AND p.user = @user AND p.uid = m.uid
                    WHERE m.mailbox_id = @id AND (m.modseq > @modseq OR IFNULL(p.modseq, 0) > @modseq) ORDER BY m.uid
                    """;
            cmd.Parameters.AddWithValue("@id", mailboxId);
            cmd.Parameters.AddWithValue("@modseq", (long)Math.Min(modSeq, long.MaxValue));
            cmd.Parameters.AddWithValue("@user", privateUser ?? "");
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var record = ReadMessage(reader);
                changed.Add(privateUser is null ? record : Overlay(record, (MessageFlags)reader.GetInt32(9), (ulong)reader.GetInt64(10)));
            }
        }
        var expunged = new List<uint>();
        if (modSeq > 0)
        {
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT uid FROM expunged WHERE mailbox_id = @id AND modseq > @modseq ORDER BY uid";
            cmd.Parameters.AddWithValue("@id", mailboxId);
            cmd.Parameters.AddWithValue("@modseq", (long)Math.Min(modSeq, long.MaxValue));
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                expunged.Add((uint)reader.GetInt64(0));
            }
        }
        tx.Commit();
        return new MailboxChanges(highest, count, changed, expunged);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenMessageAsync(long mailboxId, uint uid, CancellationToken cancellationToken)
    {
        string? file;
        using (var connection = OpenReader())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT file FROM messages WHERE mailbox_id = @id AND uid = @uid";
            cmd.Parameters.AddWithValue("@id", mailboxId);
            cmd.Parameters.AddWithValue("@uid", (long)uid);
            file = cmd.ExecuteScalar() as string;
        }
        if (file is null)
        {
            return Task.FromResult<Stream?>(null);
        }
        try
        {
            // Files are immutable; an expunge may unlink the name while the stream is open (still readable).
            Stream stream = new FileStream(Path.Combine(_curDirectory, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (FileNotFoundException)
        {
            // Expunged between the lookup and the open.
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string mailboxName, Stream message, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        var keywordText = Keywords.Encode(keywords);
        var name = MailboxName.Normalize(mailboxName);
        if (name is null || !MailboxExists(name))
        {
            await message.CopyToAsync(Stream.Null, cancellationToken);
            return new AppendResult(StoreStatus.NoSuchMailbox, 0, 0);
        }
        return await StoreNewAsync(name, message, flags, keywordText, internalDate, cancellationToken);
    }

    /// <inheritdoc />
    public MessageUpload CreateUpload()
    {
        var fileName = MessageFiles.NewName(_context.Time);
        return new MessageUpload(this, Path.Combine(_tmpDirectory, fileName), fileName, _context.Limits.MaxMessageOctets);
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendUploadAsync(string mailboxName, MessageUpload upload, MessageFlags flags, IReadOnlyList<string> keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(upload.Owner, this))
        {
            throw new ArgumentException("The upload belongs to another account.", nameof(upload));
        }
        using (upload)
        {
            var name = MailboxName.Normalize(mailboxName);
            if (upload.TooBig)
            {
                return new AppendResult(StoreStatus.TooBig, 0, 0);
            }
            if (name is null || !MailboxExists(name))
            {
                return new AppendResult(StoreStatus.NoSuchMailbox, 0, 0);
            }
            var quota = await _context.Quota.GetQuotaOctetsAsync(Account, cancellationToken);
            if ((quota > 0 && Interlocked.Read(ref _usedOctets) + upload.Length > quota) || !await DomainHasRoomAsync(upload.Length, cancellationToken))
            {
                return new AppendResult(StoreStatus.OverQuota, 0, 0);
            }
            await upload.CompleteAsync(cancellationToken);
            return await CommitFileAsync(name, upload.TmpPath, upload.FileName, upload.Length, flags, Keywords.Encode(keywords), internalDate, quota, upload.MarkCommitted);
        }
    }

    /// <summary>
    /// Delivers a message straight from its stream into INBOX or Junk (the single-recipient case: no
    /// spool file, one rename instead of link and unlink).
    /// </summary>
    public async Task<DeliveryOutcome> DeliverAsync(Stream message, DateTimeOffset internalDate, DeliveryTarget target, CancellationToken cancellationToken)
    {
        var mailbox = DeliveryMailbox(target);
        var result = await StoreNewAsync(mailbox, message, MessageFlags.None, "", internalDate, cancellationToken);
        if (result.Status != StoreStatus.Ok)
        {
            StoreLog.DeliveryRefused(_context.Logger, Account, result.Status);
        }
        return new DeliveryOutcome(Account, result.Status, result.Uid) { Mailbox = mailbox };
    }

    /// <summary>INBOX, or for <see cref="DeliveryTarget.Junk"/> the mailbox with special-use \Junk (INBOX when there is none).</summary>
    private string DeliveryMailbox(DeliveryTarget target)
    {
        if (target != DeliveryTarget.Junk)
        {
            return MailboxName.Inbox;
        }
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM mailboxes WHERE special_use = @use ORDER BY id LIMIT 1";
        cmd.Parameters.AddWithValue("@use", (int)SpecialUse.Junk);
        return cmd.ExecuteScalar() as string ?? MailboxName.Inbox;
    }

    /// <summary>Writes <c>tmp/</c> → fsync → rename into <c>cur/</c> → group commit.</summary>
    private async Task<AppendResult> StoreNewAsync(string mailboxName, Stream message, MessageFlags flags, string keywords, DateTimeOffset internalDate, CancellationToken cancellationToken)
    {
        var quota = await _context.Quota.GetQuotaOctetsAsync(Account, cancellationToken);
        var fileName = MessageFiles.NewName(_context.Time);
        var tmpPath = Path.Combine(_tmpDirectory, fileName);
        var size = await MessageFiles.WriteDurablyAsync(message, tmpPath, _context.Limits.MaxMessageOctets, cancellationToken);
        if (size < 0)
        {
            return new AppendResult(StoreStatus.TooBig, 0, 0);
        }
        if ((quota > 0 && Interlocked.Read(ref _usedOctets) + size > quota) || !await DomainHasRoomAsync(size, cancellationToken))
        {
            MessageFiles.TryDelete(tmpPath);
            return new AppendResult(StoreStatus.OverQuota, 0, 0);
        }
        return await CommitFileAsync(mailboxName, tmpPath, fileName, size, flags, keywords, internalDate, quota, onRenamed: null);
    }

    /// <summary>Extracts the text of a durable <c>tmp/</c> file, renames it into <c>cur/</c> and commits it.</summary>
    private async Task<AppendResult> CommitFileAsync(string mailboxName, string tmpPath, string fileName, long size, MessageFlags flags, string keywords, DateTimeOffset internalDate, long quota, Action? onRenamed)
    {
        MessageText text;
        try
        {
            text = ExtractText(tmpPath);
            File.Move(tmpPath, Path.Combine(_curDirectory, fileName));
        }
        catch
        {
            MessageFiles.TryDelete(tmpPath);
            throw;
        }
        onRenamed?.Invoke();
        var item = new PendingMessage
        {
            Text = text,
            MailboxName = mailboxName,
            FileName = fileName,
            Size = size,
            Flags = flags,
            Keywords = keywords,
            InternalDate = internalDate,
            QuotaOctets = quota,
        };
        await CommitNewAsync(item);
        return new AppendResult(item.Status, item.UidValidity, item.Uid);
    }

    /// <summary>
    /// Delivers a spooled (complete, fsynced) file to INBOX or Junk: hard-links it under <c>cur/</c> (or copies
    /// it through <c>tmp/</c> when linking is impossible) and commits it.
    /// </summary>
    public async Task<DeliveryOutcome> DeliverSpooledAsync(string spoolPath, long size, DateTimeOffset internalDate, DeliveryTarget destination, CancellationToken cancellationToken)
    {
        var quota = await _context.Quota.GetQuotaOctetsAsync(Account, cancellationToken);
        if ((quota > 0 && Interlocked.Read(ref _usedOctets) + size > quota) || !await DomainHasRoomAsync(size, cancellationToken))
        {
            StoreLog.DeliveryRefused(_context.Logger, Account, StoreStatus.OverQuota);
            return new DeliveryOutcome(Account, StoreStatus.OverQuota, 0);
        }
        var fileName = MessageFiles.NewName(_context.Time);
        var target = Path.Combine(_curDirectory, fileName);
        // link(2) is atomic and the spooled content is already fsynced, so the link can take the final name directly.
        if (!NativeFileSystem.TryHardLink(spoolPath, target))
        {
            var tmpPath = Path.Combine(_tmpDirectory, fileName);
            MessageFiles.CopyDurably(spoolPath, tmpPath);
            File.Move(tmpPath, target);
        }
        var item = new PendingMessage
        {
            Text = ExtractText(target),
            MailboxName = DeliveryMailbox(destination),
            FileName = fileName,
            Size = size,
            Flags = MessageFlags.None,
            Keywords = "",
            InternalDate = internalDate,
            QuotaOctets = quota,
        };
        await CommitNewAsync(item);
        if (item.Status != StoreStatus.Ok)
        {
            StoreLog.DeliveryRefused(_context.Logger, Account, item.Status);
        }
        return new DeliveryOutcome(Account, item.Status, item.Uid) { Mailbox = item.MailboxName };
    }

    private bool MailboxExists(string name)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM mailboxes WHERE name = @name)";
        cmd.Parameters.AddWithValue("@name", name);
        return (long)cmd.ExecuteScalar()! != 0;
    }

    /// <summary>False when the account's domain has a quota that <paramref name="size"/> more octets would exceed.</summary>
    private ValueTask<bool> DomainHasRoomAsync(long size, CancellationToken cancellationToken) =>
        _context.DomainHasRoom is { } check ? check(Account, size, cancellationToken) : ValueTask.FromResult(true);

    /// <summary>Octets used by the account's messages (every mailbox).</summary>
    internal long UsedOctets => Interlocked.Read(ref _usedOctets);
}

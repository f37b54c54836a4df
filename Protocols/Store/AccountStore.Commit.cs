using System.Runtime.ExceptionServices;

namespace Mail.Protocols.Store;

// Group commit of new messages (delivery and APPEND).
internal sealed partial class AccountStore
{
    /// <summary>
    /// Makes a message whose file is already durable under <c>cur/</c> visible: queues it and, once
    /// the write lock is taken, commits it together with every other queued message (one directory
    /// fsync, one transaction). A message is visible, and its UID used, exactly when the transaction
    /// that assigned the UID committed; UIDNEXT is saved in that same transaction, so it never goes back.
    /// </summary>
    /// <remarks>Not cancellable: once the file is in place the outcome is decided by the commit.</remarks>
    private async Task CommitNewAsync(PendingMessage item)
    {
        _pending.Enqueue(item);
        List<PendingMessage>? batch = null;
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            if (!item.Done)
            {
                batch = [];
                while (_pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
                if (_disposed)
                {
                    var error = ExceptionDispatchInfo.Capture(new ObjectDisposedException(nameof(AccountStore)));
                    batch.ForEach(p => p.Fail(error));
                }
                else
                {
                    CommitBatch(batch);
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
        if (batch is not null)
        {
            foreach (var refused in batch.Where(p => p.Done && p.Error is null && p.Status != StoreStatus.Ok))
            {
                MessageFiles.TryDelete(Path.Combine(_curDirectory, refused.FileName));
            }
            RaiseChanged(batch.Where(p => p.Status == StoreStatus.Ok && p.Error is null).Select(p => p.MailboxId));
        }
        item.Error?.Throw();
    }

    private void CommitBatch(List<PendingMessage> batch)
    {
        try
        {
            // One fsync makes every link/rename of the batch durable before the index names the files.
            NativeFileSystem.SyncDirectory(_curHandle, _curDirectory);
            var mailboxes = new Dictionary<string, MailboxRow?>(StringComparer.Ordinal);
            var results = new (StoreStatus Status, MailboxRow? Mailbox, uint Uid)[batch.Count];
            var used = _usedOctets;
            var now = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
            using var tx = _writer.BeginTransaction();
            using var insert = Command(tx, "INSERT INTO messages (mailbox_id, uid, file, flags, keywords, modseq, internal_date, internal_offset, size, email_id, save_date) " +
                "VALUES (@mailbox, @uid, @file, @flags, @keywords, @modseq, @date, @offset, @size, @emailid, @saved)",
                ("@mailbox", 0L), ("@uid", 0L), ("@file", ""), ("@flags", 0), ("@keywords", ""), ("@modseq", 0L), ("@date", 0L), ("@offset", 0), ("@size", 0L), ("@emailid", ""), ("@saved", now));
            using var text = new TextInserter(this, tx);
            using var sortKeys = new SortKeyInserter(this, tx, onlyReferenced: false);
            for (var i = 0; i < batch.Count; i++)
            {
                var item = batch[i];
                if (!mailboxes.TryGetValue(item.MailboxName, out var mailbox))
                {
                    mailbox = FindMailbox(tx, item.MailboxName);
                    mailboxes[item.MailboxName] = mailbox;
                }
                if (mailbox is null)
                {
                    results[i] = (StoreStatus.NoSuchMailbox, null, 0);
                    continue;
                }
                if (item.QuotaOctets > 0 && used + item.Size > item.QuotaOctets)
                {
                    results[i] = (StoreStatus.OverQuota, null, 0);
                    continue;
                }
                var uid = mailbox.TakeUid();
                var p = insert.Parameters;
                p["@mailbox"].Value = mailbox.Id;
                p["@uid"].Value = (long)uid;
                p["@file"].Value = item.FileName;
                p["@flags"].Value = (int)item.Flags;
                p["@keywords"].Value = item.Keywords;
                p["@modseq"].Value = (long)mailbox.ModSeqForChange();
                p["@date"].Value = item.InternalDate.ToUnixTimeMilliseconds();
                p["@offset"].Value = (int)item.InternalDate.Offset.TotalMinutes;
                p["@size"].Value = item.Size;
                p["@emailid"].Value = MessageFiles.NewEmailId();
                insert.ExecuteNonQuery();
                // The text row commits with the message, so SEARCH BODY/TEXT finds it as soon as it is visible.
                text.Insert(item.FileName, item.Text);
                if (item.Text.Sort is { } keys)
                {
                    // Likewise the SORT keys (RFC 5256 §3): sorting never has to read the file.
                    sortKeys.Insert(item.FileName, keys);
                }
                used += item.Size;
                results[i] = (StoreStatus.Ok, mailbox, uid);
            }
            foreach (var mailbox in mailboxes.Values)
            {
                if (mailbox is not null)
                {
                    SaveMailbox(tx, mailbox);
                }
            }
            BeforeCommit?.Invoke();
            tx.Commit();
            Interlocked.Exchange(ref _usedOctets, used);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Succeed(results[i].Status, results[i].Mailbox?.Id ?? 0, results[i].Mailbox?.UidValidity ?? 0, results[i].Uid);
            }
        }
        catch (Exception ex)
        {
            // Not knowing whether COMMIT reached the disk, the files stay; recovery decides by the index.
            StoreLog.CommitFailed(_context.Logger, Account, batch.Count, ex);
            var error = ExceptionDispatchInfo.Capture(ex);
            batch.ForEach(p => p.Fail(error));
        }
    }

    /// <summary>A new message waiting for its index commit.</summary>
    private sealed class PendingMessage
    {
        public required string MailboxName { get; init; }

        public required string FileName { get; init; }

        public required long Size { get; init; }

        public required MessageFlags Flags { get; init; }

        public required string Keywords { get; init; }

        public required DateTimeOffset InternalDate { get; init; }

        /// <summary>Quota of the account in octets, 0 for none.</summary>
        public required long QuotaOctets { get; init; }

        /// <summary>The searchable text for the full-text index.</summary>
        public required MessageText Text { get; init; }

        public bool Done { get; private set; }

        public StoreStatus Status { get; private set; }

        public long MailboxId { get; private set; }

        public uint UidValidity { get; private set; }

        public uint Uid { get; private set; }

        public ExceptionDispatchInfo? Error { get; private set; }

        public void Succeed(StoreStatus status, long mailboxId, uint uidValidity, uint uid)
        {
            (Status, MailboxId, UidValidity, Uid, Done) = (status, mailboxId, uidValidity, uid, true);
        }

        public void Fail(ExceptionDispatchInfo error)
        {
            (Error, Done) = (error, true);
        }
    }
}

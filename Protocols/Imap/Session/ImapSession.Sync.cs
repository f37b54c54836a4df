using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes on the next change of the selected mailbox (IDLE waits on it).</summary>
    internal Task ChangeSignal => Volatile.Read(ref _changed).Task;

    private void OnMailboxChanged(long mailboxId)
    {
        var selected = Selected;
        if (selected is not null && selected.Id == mailboxId && ReferenceEquals(selected.Store, Account))
        {
            SignalChange();
        }
        else
        {
            QueueMailboxNotification(mailboxId);
        }
    }

    private void SignalChange()
    {
        Selected?.MarkDirty();
        WakeUp();
    }

    /// <summary>Completes <see cref="ChangeSignal"/>: IDLE or a NOTIFY session waiting between commands looks for work.</summary>
    private void WakeUp() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Brings the snapshot of the selected mailbox up to date and writes the untagged updates
    /// (RFC 9051 §7.4.1 EXPUNGE, §7.3.1 EXISTS, §7.5.2 FETCH FLAGS). Expunges are held back when
    /// <paramref name="allowExpunge"/> is false (during FETCH, STORE, SEARCH; RFC 9051 §7.5.1) and
    /// reported at the next opportunity.
    /// </summary>
    internal async ValueTask SyncAsync(bool allowExpunge, CancellationToken cancellationToken)
    {
        var selected = Selected;
        if (selected is null || !selected.TakeDirty())
        {
            return;
        }
        var current = await selected.Store.GetMessagesAsync(selected.Id, cancellationToken);
        var present = new Dictionary<uint, MessageRecord>(current.Count);
        foreach (var r in current)
        {
            present[r.Uid] = r;
        }

        var snapshot = selected.Messages;
        var deferred = false;
        List<int>? gone = null;
        for (var i = snapshot.Count - 1; i >= 0; i--)
        {
            if (!present.ContainsKey(snapshot[i].Uid))
            {
                if (allowExpunge)
                {
                    (gone ??= []).Add(i);
                }
                else
                {
                    deferred = true;
                }
            }
        }
        if (gone is not null)
        {
            ReportExpunged(snapshot, gone);
            var removed = new HashSet<int>(gone);
            foreach (var i in gone)
            {
                selected.Recent.Remove(snapshot[i].Uid);
            }
            var kept = new List<MessageRecord>(snapshot.Count - gone.Count);
            for (var i = 0; i < snapshot.Count; i++)
            {
                if (!removed.Contains(i))
                {
                    kept.Add(snapshot[i]);
                }
            }
            selected.Messages = snapshot = kept;
        }

        for (var i = 0; i < snapshot.Count; i++)
        {
            var old = snapshot[i];
            if (present.TryGetValue(old.Uid, out var now) && now.ModSeq != old.ModSeq)
            {
                snapshot[i] = now;
                if (now.Flags != old.Flags || !now.Keywords.SequenceEqual(old.Keywords))
                {
                    Out.Raw("* "u8).Number(i + 1).Raw(" FETCH (UID "u8).Number(now.Uid);
                    if (CondStore)
                    {
                        Out.Raw(" MODSEQ ("u8).Number(now.ModSeq).Raw(")"u8);
                    }
                    Out.Raw(" FLAGS "u8);
                    WriteFlags(now);
                    Out.Raw(")\r\n"u8);
                }
            }
        }

        var max = selected.MaxUid;
        List<uint>? added = null;
        foreach (var r in current)
        {
            if (r.Uid > max)
            {
                snapshot.Add(r);
                (added ??= []).Add(r.Uid);
            }
        }
        if (added is not null)
        {
            Out.Raw("* "u8).Number(snapshot.Count).Raw(" EXISTS\r\n"u8);
            if (!selected.ReadOnly)
            {
                selected.Recent.UnionWith(Server.Recent.Claim(selected.Store.Account, selected.Id, selected.UidValidity, added));
            }
            if (!Rev2)
            {
                Out.Raw("* "u8).Number(selected.Recent.Count).Raw(" RECENT\r\n"u8);
            }
            await WriteNewMessageFetchAsync(added, cancellationToken);
        }
        if (deferred)
        {
            selected.MarkDirty();
        }
        await ReportContextUpdatesAsync(cancellationToken);
    }

    /// <summary>Writes the message's flag list, with \Recent when it is recent in this IMAP4rev1 session.</summary>
    internal void WriteFlags(MessageRecord record) =>
        WriteFlags(record.Flags, record.Keywords, !Rev2 && Selected is { } s && s.Recent.Contains(record.Uid));

    /// <summary>Writes a flag list <c>(\Seen kw ...)</c> (RFC 9051 §2.3.2; \Recent from RFC 3501 §2.3.2).</summary>
    internal void WriteFlags(MessageFlags flags, IReadOnlyList<string> keywords, bool recent = false)
    {
        Out.Raw("("u8);
        var first = true;
        void Flag(ReadOnlySpan<byte> name, ImapSession s)
        {
            if (!first)
            {
                s.Out.Space();
            }
            s.Out.Raw(name);
            first = false;
        }
        if (recent)
        {
            Flag("\\Recent"u8, this);
        }
        if ((flags & MessageFlags.Seen) != 0)
        {
            Flag("\\Seen"u8, this);
        }
        if ((flags & MessageFlags.Answered) != 0)
        {
            Flag("\\Answered"u8, this);
        }
        if ((flags & MessageFlags.Flagged) != 0)
        {
            Flag("\\Flagged"u8, this);
        }
        if ((flags & MessageFlags.Deleted) != 0)
        {
            Flag("\\Deleted"u8, this);
        }
        if ((flags & MessageFlags.Draft) != 0)
        {
            Flag("\\Draft"u8, this);
        }
        foreach (var k in keywords)
        {
            if (!first)
            {
                Out.Space();
            }
            Out.Ascii(k);
            first = false;
        }
        Out.Raw(")"u8);
    }
}

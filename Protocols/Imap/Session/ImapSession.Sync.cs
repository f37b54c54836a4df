using Mail.Protocols.Imap.Session.Views;
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
            // Before waking: the sync that follows must read the change, whichever handler ran first.
            selected.View.MarkStale();
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
    /// <returns>True when expunges were held back (the view stays marked for the next sync that allows them).</returns>
    /// <remarks>
    /// The new state comes from the node's shared view of the mailbox (no store access when another session already
    /// read the change); the session compares it with its own view in one pass by UID and adopts the shared records
    /// unless it must keep messages whose EXPUNGE it may not send yet.
    /// </remarks>
    internal async ValueTask<bool> SyncAsync(bool allowExpunge, CancellationToken cancellationToken)
    {
        var selected = Selected;
        if (selected is null || !selected.TakeDirty())
        {
            return false;
        }
        var latest = await selected.View.GetCurrentAsync(cancellationToken);
        var view = selected.Messages;
        var records = latest.Records;
        if (ReferenceEquals(view.Records, records) && view.Local is null)
        {
            await ReportContextUpdatesAsync(cancellationToken);
            return false;
        }

        // One pass by UID: what left, what changed, what is new.
        var oldMax = view.MaxUid;
        List<int>? gone = null;
        List<MessageRecord>? added = null;
        HashSet<uint>? unknown = null;
        int i = 0, j = 0;
        while (i < view.Count || j < records.Length)
        {
            if (j >= records.Length || (i < view.Count && view.Records[i].Uid < records[j].Uid))
            {
                (gone ??= []).Add(i++);
            }
            else if (i >= view.Count || view.Records[i].Uid > records[j].Uid)
            {
                if (records[j].Uid > oldMax)
                {
                    (added ??= []).Add(records[j]);
                }
                else
                {
                    // Below our highest UID yet not in our view: gone for this session (its own MOVE) while the shared
                    // view has not caught up. Never shown without an EXISTS; dropped until the next sync.
                    (unknown ??= []).Add(records[j].Uid);
                }
                j++;
            }
            else
            {
                i++;
                j++;
            }
        }

        var heldBack = gone is not null && !allowExpunge;
        if (gone is not null && allowExpunge)
        {
            ReportExpunged(view, gone);
            gone = null;
        }
        ImapMessageView next;
        if (gone is null && unknown is null)
        {
            next = new ImapMessageView(records, shared: true) { SortCache = latest.SortCache };
        }
        else
        {
            // A private view: the expunged messages stay at their positions until an EXPUNGE may be sent.
            var merged = new List<MessageRecord>(records.Length + (gone?.Count ?? 0));
            int g = 0, r = 0;
            var kept = gone ?? [];
            while (g < kept.Count || r < records.Length)
            {
                if (r >= records.Length || (g < kept.Count && view.Records[kept[g]].Uid < records[r].Uid))
                {
                    merged.Add(view.Records[kept[g++]]);
                }
                else if (unknown?.Contains(records[r].Uid) == true)
                {
                    r++;
                }
                else
                {
                    merged.Add(records[r++]);
                }
            }
            next = new ImapMessageView([.. merged], shared: false);
            if (unknown is not null)
            {
                // Read the store again next time; not marked dirty, so IDLE and NOTIFY do not spin on it.
                selected.View.MarkStale();
            }
        }

        // Flag changes, at their positions in the new view; records this session changed itself and already reported
        // stay as they are (the overlay), until the shared view catches up with them.
        var p = 0;
        for (var k = 0; k < next.Count; k++)
        {
            var now = next.Records[k];
            if (now.Uid > oldMax)
            {
                break;
            }
            while (p < view.Count && view.Records[p].Uid < now.Uid)
            {
                p++;
            }
            if (p >= view.Count || view.Records[p].Uid != now.Uid)
            {
                continue;
            }
            var old = view[p];
            if (old.ModSeq > now.ModSeq)
            {
                next.KeepLocal(old);
                continue;
            }
            if (now.ModSeq != old.ModSeq && (now.Flags != old.Flags || !now.Keywords.SequenceEqual(old.Keywords)))
            {
                Out.Raw("* "u8).Number(k + 1).Raw(" FETCH (UID "u8).Number(now.Uid);
                if (CondStore)
                {
                    Out.Raw(" MODSEQ ("u8).Number(now.ModSeq).Raw(")"u8);
                }
                Out.Raw(" FLAGS "u8);
                WriteFlags(now);
                Out.Raw(")\r\n"u8);
            }
        }
        selected.Messages = next;

        if (added is not null)
        {
            Out.Raw("* "u8).Number(next.Count).Raw(" EXISTS\r\n"u8);
            if (!selected.ReadOnly)
            {
                var (after, upTo) = Server.Recent.ClaimUpTo(selected.Store.Account, selected.Id, selected.UidValidity, next.MaxUid);
                selected.Recent.Add(after, upTo);
            }
            if (!Rev2)
            {
                Out.Raw("* "u8).Number(selected.Recent.CountIn(next)).Raw(" RECENT\r\n"u8);
            }
            await WriteNewMessageFetchAsync([.. added.Select(m => m.Uid)], cancellationToken);
        }
        if (heldBack)
        {
            selected.MarkDirty();
        }
        await ReportContextUpdatesAsync(cancellationToken);
        return heldBack;
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

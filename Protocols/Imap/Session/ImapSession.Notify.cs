using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

// NOTIFY (RFC 5465): events of other mailboxes and of the mailbox list, queued by the store's change events and written
// after commands, in IDLE and, as §5 allows, between commands.
public sealed partial class ImapSession
{
    private readonly Lock _notifyLock = new();
    private readonly HashSet<long> _notifyMailboxes = [];
    private readonly List<MailboxListChange> _notifyList = [];
    private readonly Dictionary<long, MailboxInfo> _notifyKnown = [];
    private HashSet<string> _notifySubscriptions = new(StringComparer.Ordinal);
    private ImapNotifySettings? _notify;
    private bool _notifyOverflow;
    private bool _selectedDeferred;

    /// <summary>The active NOTIFY SET, or null (NOTIFY NONE, never set, or after an overflow).</summary>
    internal ImapNotifySettings? Notify => Volatile.Read(ref _notify);

    /// <summary>NOTIFY NONE: stops every notification and drops what is queued.</summary>
    internal void SetNotify(ImapNotifySettings? settings)
    {
        lock (_notifyLock)
        {
            _notify = settings;
            _notifyMailboxes.Clear();
            _notifyShared.Clear();
            _notifyList.Clear();
            _notifyOverflow = false;
        }
        if (settings is null)
        {
            UnwatchSharedNotify();
        }
    }

    /// <summary>
    /// NOTIFY SET: records the current counters of every mailbox (to tell later which event happened) and the
    /// subscriptions, then with <paramref name="sendStatus"/> writes STATUS for each non-selected mailbox a message event
    /// applies to (RFC 5465 §3.1): MESSAGES UIDNEXT UIDVALIDITY UNSEEN, and HIGHESTMODSEQ when FlagChange is asked for.
    /// </summary>
    internal async ValueTask StartNotifyAsync(ImapNotifySettings settings, bool sendStatus, CancellationToken cancellationToken)
    {
        SetNotify(settings);
        var mailboxes = await Account!.ListMailboxesAsync(cancellationToken);
        _notifySubscriptions = new HashSet<string>(await Account.ListSubscriptionsAsync(cancellationToken), StringComparer.Ordinal);
        _notifyKnown.Clear();
        foreach (var info in mailboxes)
        {
            _notifyKnown[info.Id] = info;
        }
        if (sendStatus)
        {
            foreach (var info in mailboxes)
            {
                var events = settings.EventsFor(info.Name, _notifySubscriptions);
                if (ImapNotifySettings.HasMessageEvents(events) && info.Id != SelectedOwnId)
                {
                    await StatusCommand.WriteStatusAsync(this, OwnTarget(info), StatusItems(events), cancellationToken);
                }
            }
        }
        await StartSharedNotifyAsync(settings, sendStatus, cancellationToken);
    }

    private static List<string> StatusItems(ImapNotifyEvents events)
    {
        List<string> items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN"];
        if ((events & ImapNotifyEvents.FlagChange) != 0)
        {
            items.Add("HIGHESTMODSEQ");
        }
        return items;
    }

    /// <summary>Store event (any thread): a mailbox other than the selected one changed.</summary>
    private void QueueMailboxNotification(long mailboxId)
    {
        lock (_notifyLock)
        {
            if (_notify is null || _notifyOverflow)
            {
                return;
            }
            if (!_notifyMailboxes.Contains(mailboxId) && !HasRoomForNotification())
            {
                return;
            }
            _notifyMailboxes.Add(mailboxId);
        }
        WakeUp();
    }

    /// <summary>Store event (any thread): the mailbox list changed.</summary>
    private void OnMailboxListChanged(MailboxListChange change)
    {
        lock (_notifyLock)
        {
            if (_notify is null || _notifyOverflow || !HasRoomForNotification())
            {
                return;
            }
            _notifyList.Add(change);
        }
        WakeUp();
    }

    /// <summary>Under the lock: false, and the session marked as overflowed, when the queue is full (<see cref="ImapLimits.MaxPendingNotifications"/>).</summary>
    private bool HasRoomForNotification()
    {
        if (_notifyMailboxes.Count + _notifyShared.Count + _notifyList.Count < Server.Options.Limits.MaxPendingNotifications)
        {
            return true;
        }
        _notifyOverflow = true;
        _notifyMailboxes.Clear();
        _notifyShared.Clear();
        _notifyList.Clear();
        return false;
    }

    /// <summary>Whether queued notifications wait to be written.</summary>
    internal bool NotificationsPending
    {
        get
        {
            lock (_notifyLock)
            {
                return _notifyOverflow || _notifyMailboxes.Count > 0 || _notifyShared.Count > 0 || _notifyList.Count > 0;
            }
        }
    }

    /// <summary>
    /// Writes the queued notifications: LIST and METADATA for list changes, in order, then STATUS for changed mailboxes whose
    /// event group asks for what happened (new messages: UIDNEXT grew; expunges: fewer messages than that explains; flags:
    /// only HIGHESTMODSEQ moved). After an overflow writes <c>* OK [NOTIFICATIONOVERFLOW]</c> and turns NOTIFY off (§5.8).
    /// </summary>
    internal async ValueTask WriteNotificationsAsync(CancellationToken cancellationToken)
    {
        List<MailboxListChange> changes;
        List<long> mailboxes;
        List<(string Owner, long Id)> shared;
        bool overflow;
        ImapNotifySettings? notify;
        lock (_notifyLock)
        {
            notify = _notify;
            overflow = _notifyOverflow;
            changes = [.. _notifyList];
            mailboxes = [.. _notifyMailboxes];
            shared = [.. _notifyShared];
            _notifyList.Clear();
            _notifyMailboxes.Clear();
            _notifyShared.Clear();
            if (overflow)
            {
                _notify = null;
                _notifyOverflow = false;
            }
        }
        if (notify is null)
        {
            return;
        }
        if (overflow)
        {
            UnwatchSharedNotify();
            ImapLog.NotificationOverflow(Logger, Id, Server.Options.Limits.MaxPendingNotifications);
            Out.Raw("* OK [NOTIFICATIONOVERFLOW] Too many pending notifications; NOTIFY is now off\r\n"u8);
            return;
        }
        foreach (var change in changes)
        {
            WriteListChange(notify, change);
        }
        if (shared.Count > 0)
        {
            await WriteSharedNotificationsAsync(notify, shared, cancellationToken);
        }
        if (mailboxes.Count == 0 || Account is null)
        {
            return;
        }
        var all = await Account.ListMailboxesAsync(cancellationToken);
        foreach (var id in mailboxes)
        {
            var info = all.FirstOrDefault(m => m.Id == id);
            if (info is null)
            {
                _notifyKnown.Remove(id);
                continue;
            }
            var before = _notifyKnown.GetValueOrDefault(id);
            _notifyKnown[id] = info;
            if (id == SelectedOwnId)
            {
                continue;
            }
            var events = notify.EventsFor(info.Name, _notifySubscriptions);
            if (ShouldReportStatus(before, info, events))
            {
                await StatusCommand.WriteStatusAsync(this, OwnTarget(info), StatusItems(events), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Whether a changed mailbox is reported to a group asking for <paramref name="events"/>: new messages (UIDNEXT grew),
    /// expunges (fewer messages than that explains) or, when neither, flag changes (HIGHESTMODSEQ moved).
    /// </summary>
    private static bool ShouldReportStatus(MailboxInfo? before, MailboxInfo info, ImapNotifyEvents events)
    {
        var added = before is null ? info.UidNext > 1 : info.UidNext > before.UidNext || info.UidValidity != before.UidValidity;
        var newCount = before is null ? info.Messages : (long)before.Messages + (info.UidNext - before.UidNext);
        var expunged = info.Messages < newCount;
        var flags = before is null || info.HighestModSeq != before.HighestModSeq;
        return (added && (events & ImapNotifyEvents.MessageNew) != 0)
            || (expunged && (events & ImapNotifyEvents.MessageExpunge) != 0)
            || (flags && !added && !expunged && (events & ImapNotifyEvents.FlagChange) != 0);
    }

    private void WriteListChange(ImapNotifySettings notify, MailboxListChange change)
    {
        switch (change.Kind)
        {
            case MailboxListChangeKind.Subscribed or MailboxListChangeKind.Unsubscribed:
                var subscribed = change.Kind == MailboxListChangeKind.Subscribed;
                var wanted = (notify.EventsFor(change.Name, _notifySubscriptions) & ImapNotifyEvents.SubscriptionChange) != 0;
                if (subscribed)
                {
                    _notifySubscriptions.Add(change.Name);
                }
                else
                {
                    _notifySubscriptions.Remove(change.Name);
                }
                // A name leaving the subscribed filter is still reported: its group matched before the change.
                if (wanted || (notify.EventsFor(change.Name, _notifySubscriptions) & ImapNotifyEvents.SubscriptionChange) != 0)
                {
                    WriteList(subscribed ? "\\Subscribed" : "", change.Name, null);
                }
                break;
            case MailboxListChangeKind.Created:
                if (Wants(notify, change.Name, ImapNotifyEvents.MailboxName))
                {
                    WriteList("", change.Name, null);
                }
                break;
            case MailboxListChangeKind.Deleted:
                if (Wants(notify, change.Name, ImapNotifyEvents.MailboxName))
                {
                    WriteList("\\NonExistent", change.Name, null);
                }
                break;
            case MailboxListChangeKind.Renamed:
                var renamedWanted = Wants(notify, change.Name, ImapNotifyEvents.MailboxName) || Wants(notify, change.OldName!, ImapNotifyEvents.MailboxName);
                if (_notifySubscriptions.Remove(change.OldName!))
                {
                    _notifySubscriptions.Add(change.Name);
                }
                if (renamedWanted)
                {
                    WriteList("", change.Name, change.OldName);
                }
                break;
            case MailboxListChangeKind.MetadataChanged:
                var metadataWanted = change.Name.Length == 0
                    ? (notify.AllEvents & ImapNotifyEvents.ServerMetadataChange) != 0
                    : Selected?.Name == change.Name
                        ? (notify.SelectedEvents & ImapNotifyEvents.MailboxMetadataChange) != 0
                        : Wants(notify, change.Name, ImapNotifyEvents.MailboxMetadataChange);
                // Another user's /private/ entries are none of this session's business (RFC 5464 §3.2).
                var entries = change.Entries?.Where(e => change.User == User || !e.StartsWith("/private/", StringComparison.OrdinalIgnoreCase)).ToList() ?? [];
                if (metadataWanted && entries.Count > 0)
                {
                    // RFC 5464 §4.4.2: unsolicited METADATA names the changed entries only.
                    Out.Raw("* METADATA "u8);
                    ImapCommandHelpers.WriteMailbox(this, change.Name);
                    Out.Raw(" ("u8);
                    for (var i = 0; i < entries.Count; i++)
                    {
                        if (i > 0)
                        {
                            Out.Space();
                        }
                        Out.String(entries[i]);
                    }
                    Out.Raw(")\r\n"u8);
                }
                break;
            default:
                break;
        }
    }

    private bool Wants(ImapNotifySettings notify, string name, ImapNotifyEvents kind) =>
        (notify.EventsFor(name, _notifySubscriptions) & kind) != 0;

    /// <summary><c>* LIST (attributes) "/" name</c>, with <c>("OLDNAME" (old))</c> after a rename (RFC 5465 §5.6, RFC 5258 §3.2).</summary>
    private void WriteList(string attributes, string name, string? oldName)
    {
        Out.Raw("* LIST ("u8).Ascii(attributes).Raw(") \"/\" "u8);
        ImapCommandHelpers.WriteMailbox(this, name);
        if (oldName is not null)
        {
            Out.Raw(" (\"OLDNAME\" ("u8);
            ImapCommandHelpers.WriteMailbox(this, oldName);
            Out.Raw("))"u8);
        }
        Out.Crlf();
    }

    /// <summary>
    /// Between commands with NOTIFY active (RFC 5465 §5): writes what is queued and the selected mailbox's changes when
    /// its events ask for them (expunges only with <c>selected</c>, not <c>selected-delayed</c>). True when it wrote.
    /// </summary>
    private async ValueTask<bool> WriteUnsolicitedAsync(CancellationToken cancellationToken)
    {
        var notify = Notify;
        if (notify is null)
        {
            return false;
        }
        var wrote = false;
        if (notify.SelectedEvents != ImapNotifyEvents.None && Selected is { IsDirty: true } && !_selectedDeferred)
        {
            // Expunges held back must wait for a command; look again on the next change only. (Not "still dirty": a
            // change that arrives during the sync leaves the view dirty too, and must be written at once.)
            _selectedDeferred = await SyncAsync(allowExpunge: !notify.SelectedDelayed, cancellationToken);
            wrote = true;
        }
        if (NotificationsPending)
        {
            await WriteNotificationsAsync(cancellationToken);
            wrote = true;
        }
        if (wrote)
        {
            await Out.FlushAsync(cancellationToken);
        }
        return wrote;
    }

    /// <summary>
    /// Reads the next client input; with NOTIFY active and no command half received, writes notifications while it waits.
    /// </summary>
    private async ValueTask<System.IO.Pipelines.ReadResult> ReadWithNotificationsAsync(bool midCommand, CancellationToken readToken, CancellationToken cancellationToken)
    {
        if (Notify is null || midCommand)
        {
            return await _reader.ReadAsync(readToken);
        }
        var read = _reader.ReadAsync(readToken).AsTask();
        while (true)
        {
            var changed = ChangeSignal;
            if (!read.IsCompleted && await WriteUnsolicitedAsync(cancellationToken))
            {
                continue;
            }
            if (await Task.WhenAny(read, changed) == read)
            {
                return await read;
            }
            _selectedDeferred = false;
        }
    }

    /// <summary>NOTIFY MessageNew with fetch attributes (RFC 5465 §5.2): the FETCH responses for new messages of the selected mailbox.</summary>
    private async ValueTask WriteNewMessageFetchAsync(List<uint> uids, CancellationToken cancellationToken)
    {
        if (Notify is { SelectedFetch: { } fetch } notify && (notify.SelectedEvents & ImapNotifyEvents.MessageNew) != 0)
        {
            await fetch.ExecuteForUidsAsync(this, uids, cancellationToken);
        }
    }
}

using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Session;

// NOTIFY (RFC 5465) for shared mailboxes ("Other Users/owner/..."): the owners' change events, reported as STATUS to a
// grantee that holds l and r on the mailbox when the event happens.
public sealed partial class ImapSession
{
    private readonly HashSet<(string Owner, long Id)> _notifyShared = [];
    private readonly Dictionary<(string Owner, long Id), MailboxInfo> _notifySharedKnown = [];
    private readonly Dictionary<string, (IAccountStore Store, Action<long> Handler)> _notifyOwners = new(StringComparer.Ordinal);

    /// <summary>The rights a grantee needs to hear of a shared mailbox's message events: see it (l) and read it (r).</summary>
    private const MailboxRights NotifyRights = MailboxRights.Lookup | MailboxRights.Read;

    /// <summary>
    /// NOTIFY SET for the shared namespace: watches the store of every owner that shares a mailbox with the user
    /// (when some event group can name a shared mailbox), records the counters of each shared mailbox a message
    /// event applies to and, with <paramref name="sendStatus"/>, writes its STATUS (RFC 5465 §3.1). Owners who share
    /// a first mailbox after NOTIFY SET are watched from the next NOTIFY SET.
    /// </summary>
    private async ValueTask StartSharedNotifyAsync(ImapNotifySettings settings, bool sendStatus, CancellationToken cancellationToken)
    {
        UnwatchSharedNotify();
        _notifySharedKnown.Clear();
        if (!settings.Groups.Any(g => ImapNotifySettings.HasMessageEvents(g.Events) && g.CanMatchShared))
        {
            return;
        }
        foreach (var target in await ListSharedAsync(cancellationToken))
        {
            var events = settings.EventsFor(target.Name, _notifySubscriptions);
            if (!ImapNotifySettings.HasMessageEvents(events) || !target.Has(NotifyRights))
            {
                continue;
            }
            WatchOwnerForNotify(target.Owner, target.Store);
            _notifySharedKnown[(target.Owner, target.Info!.Id)] = target.Info;
            if (sendStatus && !IsSelected(target.Store, target.Info.Id))
            {
                await StatusCommand.WriteStatusAsync(this, target, StatusItems(events), cancellationToken);
            }
        }
    }

    private bool IsSelected(IAccountStore store, long mailboxId) =>
        Selected is { } selected && selected.Id == mailboxId && ReferenceEquals(selected.Store, store);

    private void WatchOwnerForNotify(string owner, IAccountStore store)
    {
        if (_notifyOwners.ContainsKey(owner))
        {
            return;
        }
        Action<long> handler = id => QueueSharedNotification(owner, id);
        store.MailboxChanged += handler;
        _notifyOwners[owner] = (store, handler);
    }

    /// <summary>Stops watching the owners' stores (NOTIFY NONE, a new NOTIFY SET, logout).</summary>
    private void UnwatchSharedNotify()
    {
        foreach (var (store, handler) in _notifyOwners.Values)
        {
            store.MailboxChanged -= handler;
        }
        _notifyOwners.Clear();
    }

    /// <summary>Owner store event (any thread): a mailbox of <paramref name="owner"/> changed; what the user may see of it is decided when written.</summary>
    private void QueueSharedNotification(string owner, long mailboxId)
    {
        lock (_notifyLock)
        {
            if (_notify is null || _notifyOverflow)
            {
                return;
            }
            if (!_notifyShared.Contains((owner, mailboxId)) && !HasRoomForNotification())
            {
                return;
            }
            _notifyShared.Add((owner, mailboxId));
        }
        WakeUp();
    }

    /// <summary>
    /// Writes STATUS for the queued shared mailboxes whose event group asks for what happened, when the user still holds
    /// l and r on them (rights are read now, so a revoked grant stops the events at once). The selected mailbox is left to
    /// the selected events.
    /// </summary>
    private async ValueTask WriteSharedNotificationsAsync(ImapNotifySettings notify, List<(string Owner, long Id)> queued, CancellationToken cancellationToken)
    {
        var lists = new Dictionary<string, IReadOnlyList<MailboxInfo>>(StringComparer.Ordinal);
        foreach (var (owner, id) in queued)
        {
            if (await OpenOwnerAsync(owner, cancellationToken) is not { } store)
            {
                continue;
            }
            if (!lists.TryGetValue(owner, out var all))
            {
                lists[owner] = all = await store.ListMailboxesAsync(cancellationToken);
            }
            var info = all.FirstOrDefault(m => m.Id == id);
            var rights = info is null ? MailboxRights.None : await Server.Acl.GetRightsAsync(owner, id, User!, cancellationToken);
            if (info is null || (rights & NotifyRights) != NotifyRights)
            {
                _notifySharedKnown.Remove((owner, id));
                continue;
            }
            var before = _notifySharedKnown.GetValueOrDefault((owner, id));
            _notifySharedKnown[(owner, id)] = info;
            if (IsSelected(store, id))
            {
                continue;
            }
            var name = ImapSharedNamespace.Combine(owner, info.Name);
            var events = notify.EventsFor(name, _notifySubscriptions);
            if (ShouldReportStatus(before, info, events))
            {
                await StatusCommand.WriteStatusAsync(this, new ImapMailboxTarget(store, owner, info.Name, name, info, rights, IsShared: true), StatusItems(events), cancellationToken);
            }
        }
    }
}

using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

internal sealed partial class WebmailSessionWatcher
{
    private readonly HashSet<uint> _vanished = [];
    // UIDs of unsolicited FETCH responses in the selected folder: new messages (NOTIFY MessageNew) and flag changes.
    private readonly HashSet<uint> _fetched = [];
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<IMailFolder> _hooked = new(ReferenceEqualityComparer.Instance);
    private IMailFolder? _selected;
    private string? _selectedName;
    private bool _qresync;
    private bool _condStore;
    private uint _uidValidity;
    private uint _uidNext;
    private ulong _modSeq;
    private ulong _maxSeen;
    private long _modSeqShown;
    private int _count;
    private int _countChanged;
    private int _flagsChanged;
    private int _flagsWithoutUid;
    private int _resync;
    private int _listChanged;

    private void ResetConnectionState()
    {
        lock (_hooked)
        {
            _hooked.Clear();
            _vanished.Clear();
            _fetched.Clear();
            _dirty.Clear();
            _snapshots.Clear();
        }
        Volatile.Write(ref _selected, null);
        _selectedName = null;
        _listChanged = _countChanged = _flagsChanged = _flagsWithoutUid = _resync = 0;
    }

    /// <summary>EXAMINEs <paramref name="target"/> (INBOX when it is gone or refused) and takes its state as the start of the deltas.</summary>
    private async Task SelectAsync(ImapClient client, string target, CancellationToken stop)
    {
        IMailFolder folder;
        try
        {
            folder = target.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(target, stop);
            Hook(folder);
            // Events during the SELECT belong to the new folder's starting state, not to a delta.
            Volatile.Write(ref _selected, folder);
            await folder.OpenAsync(FolderAccess.ReadOnly, stop);
        }
        catch (Exception ex) when (ex is FolderNotFoundException or CommandException)
        {
            WebmailLog.WatcherFolderMissing(_logger, target);
            target = "INBOX";
            folder = client.Inbox;
            Volatile.Write(ref _selected, folder);
            await folder.OpenAsync(FolderAccess.ReadOnly, stop);
        }
        _selectedName = target;
        _qresync = client.Capabilities.HasFlag(ImapCapabilities.QuickResync);
        _uidValidity = folder.UidValidity;
        _uidNext = folder.UidNext?.Id ?? 0;
        _modSeq = folder.HighestModSeq;
        _maxSeen = _modSeq;
        _condStore = client.Capabilities.HasFlag(ImapCapabilities.CondStore) && _modSeq > 0;
        _count = folder.Count;
        lock (_hooked)
        {
            _vanished.Clear();
            _fetched.Clear();
        }
        Volatile.Write(ref _countChanged, 0);
        Volatile.Write(ref _flagsChanged, 0);
        Volatile.Write(ref _flagsWithoutUid, 0);
        Volatile.Write(ref _resync, 0);
    }

    private WebmailFolderDelta SelectedBaseline() => new(_selectedName!, [], [], [], Resync: false, _modSeq, Baseline: true);

    private WebmailFolderDelta SelectedResync() => new(_selectedName!, [], [], [], Resync: true, _modSeq);

    private void Hook(IMailFolder folder)
    {
        lock (_hooked)
        {
            if (!_hooked.Add(folder))
            {
                return;
            }
        }
        folder.CountChanged += (_, _) => OnCount(folder);
        folder.UnreadChanged += (_, _) => OnStatus(folder);
        folder.HighestModSeqChanged += (_, _) => OnStatus(folder);
        folder.UidNextChanged += (_, _) => OnStatus(folder);
        folder.UidValidityChanged += (_, _) => OnUidValidity(folder);
        folder.MessageFlagsChanged += (_, e) => OnFlags(folder, e.UniqueId, e.ModSeq);
        folder.ModSeqChanged += (_, e) => OnFlags(folder, e.UniqueId, e.ModSeq);
        folder.MessagesVanished += (_, e) => OnVanished(folder, e.UniqueIds, e.Earlier);
        folder.MessageExpunged += (_, _) => OnExpunged(folder);
        folder.MessageSummaryFetched += (_, e) => OnFetched(folder, e.Message);
        folder.Deleted += (_, _) => ListChanged();
        folder.Renamed += (_, _) => ListChanged();
        folder.Subscribed += (_, _) => ListChanged();
        folder.Unsubscribed += (_, _) => ListChanged();
    }

    private bool IsSelected(IMailFolder folder) => ReferenceEquals(folder, Volatile.Read(ref _selected));

    private void OnCount(IMailFolder folder)
    {
        if (!IsSelected(folder))
        {
            OnStatus(folder);
            return;
        }
        Volatile.Write(ref _countChanged, 1);
        Wake(immediate: false);
    }

    /// <summary>
    /// A STATUS response (NOTIFY, RFC 5465 §5.2) moved another folder's counts: its lists rebuild, the tree re-reads.
    /// Not before NOTIFY is set (the responses of NOTIFY SET STATUS are the starting values), nor without NOTIFY (the
    /// fallback compares its own STATUS results).
    /// </summary>
    private void OnStatus(IMailFolder folder)
    {
        if (IsSelected(folder) || !_notifying)
        {
            return;
        }
        lock (_hooked)
        {
            _dirty.Add(folder.FullName);
        }
        Wake(immediate: false);
    }

    private void OnUidValidity(IMailFolder folder)
    {
        if (IsSelected(folder))
        {
            Volatile.Write(ref _resync, 1);
            Wake(immediate: false);
            return;
        }
        OnStatus(folder);
    }

    private void OnFlags(IMailFolder folder, UniqueId? uid, ulong? modSeq)
    {
        if (!IsSelected(folder))
        {
            return;
        }
        if (uid is null)
        {
            Volatile.Write(ref _flagsWithoutUid, 1);
        }
        Seen(modSeq);
        Volatile.Write(ref _flagsChanged, 1);
        Wake(immediate: false);
    }

    private void OnVanished(IMailFolder folder, IList<UniqueId> uids, bool earlier)
    {
        if (!IsSelected(folder) || earlier)
        {
            return;
        }
        lock (_hooked)
        {
            _vanished.UnionWith(uids.Select(u => u.Id));
        }
        Volatile.Write(ref _countChanged, 1);
        Wake(immediate: false);
    }

    private void OnExpunged(IMailFolder folder)
    {
        if (!IsSelected(folder))
        {
            return;
        }
        if (!_qresync)
        {
            // Only a sequence number: which UID went is unknown without listing the folder.
            Volatile.Write(ref _resync, 1);
        }
        Volatile.Write(ref _countChanged, 1);
        Wake(immediate: false);
    }

    private void OnFetched(IMailFolder folder, IMessageSummary message)
    {
        if (!IsSelected(folder) || !message.UniqueId.IsValid)
        {
            return;
        }
        lock (_hooked)
        {
            _fetched.Add(message.UniqueId.Id);
        }
        Seen(message.ModSeq);
        Wake(immediate: false);
    }

    private void Seen(ulong? modSeq)
    {
        if (modSeq is { } m && m > _maxSeen)
        {
            _maxSeen = m;
        }
    }

    /// <summary>MailboxName or SubscriptionChange (RFC 5465 §5.4, §5.5): a folder was created, renamed, deleted or (un)subscribed.</summary>
    private void ListChanged()
    {
        Volatile.Write(ref _listChanged, 1);
        Wake(immediate: false);
    }

    private bool HasPending()
    {
        lock (_hooked)
        {
            if (_dirty.Count > 0 || _vanished.Count > 0 || _fetched.Count > 0)
            {
                return true;
            }
        }
        return Volatile.Read(ref _countChanged) + Volatile.Read(ref _flagsChanged) + Volatile.Read(ref _resync) + Volatile.Read(ref _listChanged)
            + Volatile.Read(ref _retarget) != 0;
    }

    /// <summary>The other folders that changed (STATUS) and whether the folder list changed, since the last call.</summary>
    private (List<string> Dirty, bool ListChanged) TakeDirty()
    {
        List<string> dirty;
        lock (_hooked)
        {
            dirty = [.. _dirty];
            _dirty.Clear();
        }
        return (dirty, Interlocked.Exchange(ref _listChanged, 0) != 0);
    }

    /// <summary>
    /// The selected folder's delta since the last one, from what the server reported: new UIDs from the FETCH of
    /// NOTIFY MessageNew (RFC 5465 §5.2; without NOTIFY, or when the counts do not add up, UID SEARCH UID uidnext:*,
    /// RFC 9051 §6.4.4), expunged ones from VANISHED (RFC 7162 §3.2.10), changed ones from the UID in each flag FETCH
    /// (RFC 7162 §3.2.4; when one has none, UID FETCH 1:* (FLAGS) (CHANGEDSINCE m), §3.1.4.1).
    /// </summary>
    /// <returns>The delta; null when nothing changed.</returns>
    private async Task<WebmailFolderDelta?> CollectAsync(bool notify, CancellationToken stop)
    {
        var folder = Volatile.Read(ref _selected)!;
        var name = _selectedName!;
        var countChanged = Interlocked.Exchange(ref _countChanged, 0) != 0;
        var flagsChanged = Interlocked.Exchange(ref _flagsChanged, 0) != 0;
        var withoutUid = Interlocked.Exchange(ref _flagsWithoutUid, 0) != 0;
        var resync = Interlocked.Exchange(ref _resync, 0) != 0 || folder.UidValidity != _uidValidity;
        uint[] vanished;
        uint[] fetched;
        lock (_hooked)
        {
            vanished = [.. _vanished.Order()];
            fetched = [.. _fetched.Order()];
            _vanished.Clear();
            _fetched.Clear();
        }
        if (!countChanged && !flagsChanged && !resync && vanished.Length == 0 && fetched.Length == 0)
        {
            return null;
        }
        if (resync)
        {
            _uidValidity = folder.UidValidity;
            _uidNext = folder.UidNext?.Id ?? _uidNext;
            _modSeq = Math.Max(_modSeq, Math.Max(_maxSeen, folder.HighestModSeq));
            _count = folder.Count;
            return new WebmailFolderDelta(name, [], [], [], Resync: true, _modSeq);
        }
        var gone = vanished.ToHashSet();
        var arrived = fetched.Where(u => u >= _uidNext).ToList();
        var added = new SortedSet<uint>(arrived.Where(u => !gone.Contains(u)));
        var changed = new SortedSet<uint>(fetched.Where(u => u < _uidNext && !gone.Contains(u)));
        if (countChanged && folder.Count > 0 && (!notify || folder.Count != _count + arrived.Count - vanished.Length))
        {
            // "n:*" always includes the last message (RFC 9051 §6.4.8), so keep only UIDs at or above n.
            var found = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(Math.Max(1, _uidNext)), UniqueId.MaxValue)), stop);
            added.UnionWith(found.Select(u => u.Id).Where(u => u >= _uidNext && !gone.Contains(u)));
        }
        if (flagsChanged && withoutUid)
        {
            if (!_condStore)
            {
                _count = folder.Count;
                _uidNext = Math.Max(_uidNext, added.Count > 0 ? added.Max + 1 : 0);
                return new WebmailFolderDelta(name, [.. added], vanished, [], Resync: true, _modSeq);
            }
            // Only the messages whose mod-sequence moved (RFC 7162 §3.1.4.1).
            var summaries = await folder.FetchAsync(UniqueIdRange.All, _modSeq, MessageSummaryItems.UniqueId | MessageSummaryItems.ModSeq, stop);
            foreach (var s in summaries)
            {
                Seen(s.ModSeq);
                if (s.UniqueId.Id < _uidNext && !gone.Contains(s.UniqueId.Id))
                {
                    changed.Add(s.UniqueId.Id);
                }
            }
        }
        if (added.Count > 0)
        {
            _uidNext = added.Max + 1;
        }
        _count = folder.Count;
        _modSeq = Math.Max(_modSeq, Math.Max(_maxSeen, folder.HighestModSeq));
        return new WebmailFolderDelta(name, [.. added], vanished, [.. changed], Resync: false, _modSeq);
    }
}

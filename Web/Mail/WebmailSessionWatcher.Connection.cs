using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

internal sealed partial class WebmailSessionWatcher
{
    // Message events for the selected folder: new UIDs (and MODSEQ) come in the FETCH that NOTIFY asks for (RFC 5465 §5.2).
    private static readonly ImapEventGroup[] NotifyGroups =
    [
        new(ImapMailboxFilter.Selected, [new ImapEvent.MessageNew(MessageSummaryItems.UniqueId | MessageSummaryItems.ModSeq), ImapEvent.MessageExpunge, ImapEvent.FlagChange]),
        new(ImapMailboxFilter.Personal, [new ImapEvent.MessageNew(), ImapEvent.MessageExpunge, ImapEvent.FlagChange, ImapEvent.MailboxName, ImapEvent.SubscriptionChange]),
    ];

    private CancellationTokenSource? _idleDone;
    private int _woken;
    private int _retarget;

    /// <summary>
    /// Watches on one open connection until it breaks or the watcher stops: selects the target folder, sets NOTIFY when
    /// used, then alternates IDLE and collecting what the server reported.
    /// </summary>
    private async Task WatchAsync(ImapClient client, bool first, Action connected, CancellationToken stop)
    {
        ResetConnectionState();
        if (client.Capabilities.HasFlag(ImapCapabilities.QuickResync))
        {
            await client.EnableQuickResyncAsync(stop);
        }
        var notify = _options.PushUseNotify && client.Capabilities.HasFlag(ImapCapabilities.Notify);
        if (notify)
        {
            // MailKit raises a folder's change events for a STATUS response only for folders it has listed.
            var personal = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
            foreach (var folder in await client.GetFoldersAsync(personal, StatusItems.None, subscribedOnly: false, stop))
            {
                Hook(folder);
            }
            // An unsolicited LIST of an unknown name (MailboxName, RFC 5465 §5.4) is a folder created by another client.
            client.FolderCreated += (_, e) =>
            {
                Hook(e.Folder);
                ListChanged();
            };
        }
        Hook(client.Inbox);
        Interlocked.Exchange(ref _retarget, 0);
        await SelectAsync(client, Target(), stop);
        if (notify)
        {
            try
            {
                await client.NotifyAsync(status: true, NotifyGroups, stop);
            }
            catch (ImapCommandException ex)
            {
                // Advertised but refused (NO/BAD): watch as a server without NOTIFY.
                WebmailLog.WatcherNotifyRefused(_logger, ex.Response);
                notify = false;
            }
            // The STATUS responses NOTIFY SET STATUS asked for filled MailKit's counts: they are no change.
            TakeDirty();
        }
        _notifying = notify;
        _connected = true;
        connected();
        PublishSelected(first ? SelectedBaseline() : SelectedResync());
        if (!first)
        {
            // Something may have changed while the connection was down.
            foreach (var other in OtherWatched(_selectedName))
            {
                PublishFolder(new WebmailFolderDelta(other, [], [], [], Resync: true));
            }
            PublishAccount();
        }
        var lastPoll = _time.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var pollPeriod = TimeSpan.FromSeconds(Math.Max(1, _options.FolderStatusSeconds));
            var poll = !notify && OtherWatched(_selectedName).Length > 0;
            await IdleAsync(client, poll ? pollPeriod - _time.GetElapsedTime(lastPoll) : IdleRestart, stop);
            stop.ThrowIfCancellationRequested();
            if (await CollectAsync(notify, stop) is { } delta)
            {
                PublishSelected(delta);
            }
            var (dirty, listChanged) = TakeDirty();
            foreach (var name in dirty)
            {
                PublishFolder(new WebmailFolderDelta(name, [], [], [], Resync: true));
            }
            if (!poll || _time.GetElapsedTime(lastPoll) >= pollPeriod)
            {
                lastPoll = _time.GetTimestamp();
                if (poll && await PollOthersAsync(client, stop))
                {
                    listChanged = true;
                }
            }
            if (dirty.Count > 0 || listChanged)
            {
                PublishAccount();
            }
            if (Interlocked.Exchange(ref _retarget, 0) != 0 && !SameFolder(Target(), _selectedName))
            {
                if (await CollectAsync(notify, stop) is { } last)
                {
                    PublishSelected(last);
                }
                RememberSelected();
                await SelectAsync(client, Target(), stop);
                PublishSelected(SelectedBaseline());
            }
        }
    }

    /// <summary>
    /// One IDLE (RFC 2177), ended by an event (after <see cref="Coalesce"/>), a new target folder, or after
    /// <paramref name="longest"/>; a NOOP a second (RFC 9051 §6.1.2) on a server without IDLE.
    /// </summary>
    private async Task IdleAsync(ImapClient client, TimeSpan longest, CancellationToken stop)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        done.CancelAfter(longest <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : longest < IdleRestart ? longest : IdleRestart);
        Volatile.Write(ref _woken, 0);
        Volatile.Write(ref _idleDone, done);
        if (HasPending())
        {
            // Changes reported while the last delta was collected: collect them at once.
            Wake(immediate: false);
        }
        try
        {
            if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                await client.IdleAsync(done.Token, stop);
            }
            else
            {
                while (!done.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), done.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    stop.ThrowIfCancellationRequested();
                    await client.NoOpAsync(stop);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _idleDone, null);
        }
    }

    /// <summary>Ends the current IDLE: at once, or <see cref="Coalesce"/> after the first event so a burst is one delta.</summary>
    private void Wake(bool immediate)
    {
        var done = Volatile.Read(ref _idleDone);
        if (done is null || (!immediate && Interlocked.Exchange(ref _woken, 1) != 0))
        {
            return;
        }
        try
        {
            done.CancelAfter(immediate ? TimeSpan.Zero : Coalesce);
        }
        catch (ObjectDisposedException)
        {
            // IDLE already ended; the flags are read before the next one starts.
        }
    }

    /// <summary>A list opened or closed: the connection selects the newest list's folder after the current IDLE.</summary>
    private void Retarget()
    {
        Volatile.Write(ref _retarget, 1);
        Wake(immediate: true);
    }

    private void PublishSelected(WebmailFolderDelta delta)
    {
        Interlocked.Exchange(ref _modSeqShown, (long)delta.HighestModSeq);
        PublishFolder(delta);
    }

    /// <summary>Calls the subscribers of the delta's folder; a change of the selected folder also raises its push for the counts.</summary>
    private void PublishFolder(WebmailFolderDelta delta)
    {
        if (delta.IsEmpty)
        {
            return;
        }
        foreach (var subscriber in SubscribersOf(delta.Folder))
        {
            subscriber(delta);
        }
        if (!delta.Baseline && SameFolder(delta.Folder, _selectedName))
        {
            // Other folders' changes reach the counts through the account subscribers.
            _folderChanged(delta.Folder);
        }
    }

    private void PublishAccount()
    {
        Action[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _accountSubscribers];
        }
        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    internal static bool SameFolder(string? a, string? b) =>
        a is not null && b is not null
        && a.Equals(b, a.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace Mail.Web.Webmail;

/// <summary>
/// What changed in a watched folder since the last delta: computed incrementally, never by listing the folder.
/// </summary>
/// <param name="Folder">The folder.</param>
/// <param name="Added">UIDs of new messages (UID SEARCH UID uidnext:*, RFC 9051 §6.4.4), ascending.</param>
/// <param name="Vanished">UIDs of expunged messages (VANISHED, RFC 7162 §3.2.10).</param>
/// <param name="Changed">UIDs whose flags changed (UID FETCH 1:* (FLAGS) (CHANGEDSINCE m), RFC 7162 §3.1.4.1).</param>
/// <param name="Resync">True when the delta could not be computed exactly (reconnected, UIDVALIDITY changed, no QRESYNC): rebuild the list.</param>
/// <param name="HighestModSeq">The folder's HIGHESTMODSEQ after the change (RFC 7162 §3.1.2); 0 without CONDSTORE.</param>
/// <param name="Baseline">
/// True for the first message to a subscriber: no change, only the state the watcher starts from. A list built
/// from an older HIGHESTMODSEQ (or without one) missed something between its own read and the watcher's SELECT.
/// </param>
public sealed record WebmailFolderDelta(
    string Folder, IReadOnlyList<uint> Added, IReadOnlyList<uint> Vanished, IReadOnlyList<uint> Changed, bool Resync,
    ulong HighestModSeq = 0, bool Baseline = false)
{
    /// <summary>True when nothing changed and there is no baseline to compare.</summary>
    public bool IsEmpty => !Resync && !Baseline && Added.Count == 0 && Vanished.Count == 0 && Changed.Count == 0;
}

/// <summary>
/// One IMAP connection IDLEing (RFC 2177) on one folder for a session's subscribers. QRESYNC is enabled
/// (RFC 7162 §3.2.3) so expunges arrive as UIDs; after each wake-up the watcher asks only for what changed since its
/// last HIGHESTMODSEQ and UIDNEXT, then IDLEs again. IDLE is restarted every <see cref="IdleRestart"/> (RFC 2177 §3
/// asks clients to re-issue it before 30 minutes); a broken connection is reopened after a short pause and reported
/// as a <see cref="WebmailFolderDelta.Resync"/>.
/// </summary>
internal sealed class WebmailFolderWatcher : IAsyncDisposable
{
    /// <summary>Longest single IDLE command before it is ended and re-issued.</summary>
    public static readonly TimeSpan IdleRestart = TimeSpan.FromMinutes(9);

    /// <summary>How long the watcher waits after the first event before ending IDLE, so a burst becomes one delta.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(40);

    /// <summary>Pause before reconnecting after the connection broke (doubled up to 30 s).</summary>
    public static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(1);

    private readonly WebmailCredentials _credentials;
    private readonly WebmailImapConnector _connector;
    private readonly ILogger _logger;
    private readonly Action<string> _changed;
    private readonly Action<WebmailFolderWatcher> _empty;
    private readonly List<Action<WebmailFolderDelta>> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<uint> _vanished = [];
    private CancellationTokenSource? _idleDone;
    private int _countChanged;
    private int _flagsChanged;
    private int _resync;
    private Task? _loop;
    private volatile bool _connected;
    private long _modSeq;
    private int _stopped;

    public WebmailFolderWatcher(string folder, WebmailCredentials credentials, WebmailImapConnector connector, ILogger logger,
        Action<string> changed, Action<WebmailFolderWatcher> empty)
    {
        Folder = folder;
        _credentials = credentials;
        _connector = connector;
        _logger = logger;
        _changed = changed;
        _empty = empty;
    }

    /// <summary>The watched folder.</summary>
    public string Folder { get; }

    /// <summary>True while the watcher's IMAP connection is open.</summary>
    public bool IsConnected => _connected;

    /// <summary>Adds a subscriber and starts the connection on the first one.</summary>
    public IDisposable Subscribe(Action<WebmailFolderDelta> onChange)
    {
        lock (_subscribers)
        {
            _subscribers.Add(onChange);
            if (_loop is null && Volatile.Read(ref _stopped) == 0)
            {
                var stop = _stop.Token;
                _loop = Task.Run(() => RunAsync(stop), CancellationToken.None);
            }
            else if (_connected)
            {
                // The connection already has its state: this subscriber gets the baseline now.
                var baseline = new WebmailFolderDelta(Folder, [], [], [], Resync: false, (ulong)Interlocked.Read(ref _modSeq), Baseline: true);
                _ = Task.Run(() => onChange(baseline));
            }
        }
        return new Subscription(this, onChange);
    }

    private void Unsubscribe(Action<WebmailFolderDelta> onChange)
    {
        bool empty;
        lock (_subscribers)
        {
            _subscribers.Remove(onChange);
            empty = _subscribers.Count == 0;
        }
        if (empty)
        {
            _empty(this);
        }
    }

    /// <summary>Ends IDLE, logs out and closes the connection (once; later calls return at once).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        Task? loop;
        lock (_subscribers)
        {
            loop = _loop;
        }
        if (loop is not null)
        {
            await loop;
        }
        _stop.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task RunAsync(CancellationToken stop)
    {
        var pause = ReconnectPause;
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _connector.ConnectAsync(_credentials.Address, _credentials.Password, _credentials.ClientAddress, stop);
                if (client.Capabilities.HasFlag(ImapCapabilities.QuickResync))
                {
                    await client.EnableQuickResyncAsync(stop);
                }
                var folder = Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(Folder, stop);
                await folder.OpenAsync(FolderAccess.ReadOnly, stop);
                _connected = true;
                Interlocked.Exchange(ref _modSeq, (long)folder.HighestModSeq);
                Publish(first
                    ? new WebmailFolderDelta(Folder, [], [], [], Resync: false, folder.HighestModSeq, Baseline: true)
                    : new WebmailFolderDelta(Folder, [], [], [], Resync: true, folder.HighestModSeq));
                first = false;
                pause = ReconnectPause;
                await WatchAsync(client, folder, stop);
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is FolderNotFoundException or CommandException or WebmailUnavailableException { Failure: WebmailFailure.CredentialsRejected })
            {
                WebmailLog.WatcherFolderMissing(_logger, Folder);
                break;
            }
            catch (Exception ex) when (WebmailImapConnector.IsConnectionFailure(ex) || ex is WebmailUnavailableException)
            {
                WebmailLog.WatcherReconnecting(_logger, Folder, ex);
            }
            finally
            {
                _connected = false;
            }
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private async Task WatchAsync(ImapClient client, IMailFolder folder, CancellationToken stop)
    {
        var uidValidity = folder.UidValidity;
        var uidNext = folder.UidNext?.Id ?? 0;
        var modSeq = folder.HighestModSeq;
        var condStore = client.Capabilities.HasFlag(ImapCapabilities.CondStore) && modSeq > 0;
        var qresync = client.Capabilities.HasFlag(ImapCapabilities.QuickResync);
        folder.CountChanged += (_, _) => Wake(ref _countChanged);
        folder.MessageFlagsChanged += (_, _) => Wake(ref _flagsChanged);
        folder.ModSeqChanged += (_, _) => Wake(ref _flagsChanged);
        folder.MessagesVanished += (_, e) =>
        {
            lock (_vanished)
            {
                _vanished.UnionWith(e.UniqueIds.Select(u => u.Id));
            }
            Wake(ref _countChanged);
        };
        folder.MessageExpunged += (_, _) =>
        {
            if (!qresync)
            {
                // Only a sequence number: which UID went is unknown without listing the folder.
                Volatile.Write(ref _resync, 1);
            }
            Wake(ref _countChanged);
        };
        folder.UidValidityChanged += (_, _) => Wake(ref _resync);
        while (!stop.IsCancellationRequested)
        {
            using (var done = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                done.CancelAfter(IdleRestart);
                Volatile.Write(ref _idleDone, done);
                if (Volatile.Read(ref _countChanged) + Volatile.Read(ref _flagsChanged) + Volatile.Read(ref _resync) != 0)
                {
                    // Changes reported while the last delta was collected: collect them at once.
                    done.CancelAfter(Coalesce);
                }
                if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    await client.IdleAsync(done.Token, stop);
                }
                else
                {
                    // No IDLE: NOOP once a second (RFC 9051 §6.1.2) lets the server report changes.
                    while (!done.IsCancellationRequested)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), stop);
                        await client.NoOpAsync(stop);
                    }
                }
                Volatile.Write(ref _idleDone, null);
            }
            stop.ThrowIfCancellationRequested();
            var delta = await CollectAsync(folder, uidValidity, condStore, uidNext, modSeq, stop);
            if (delta is null)
            {
                continue;
            }
            (var result, uidNext, modSeq) = delta.Value;
            if (result.Resync)
            {
                uidValidity = folder.UidValidity;
            }
            Interlocked.Exchange(ref _modSeq, (long)modSeq);
            Publish(result with { HighestModSeq = modSeq });
        }
    }

    private async Task<(WebmailFolderDelta Delta, uint UidNext, ulong ModSeq)?> CollectAsync(
        IMailFolder folder, uint uidValidity, bool condStore, uint uidNext, ulong modSeq, CancellationToken stop)
    {
        var countChanged = Interlocked.Exchange(ref _countChanged, 0) != 0;
        var flagsChanged = Interlocked.Exchange(ref _flagsChanged, 0) != 0;
        var resync = Interlocked.Exchange(ref _resync, 0) != 0 || folder.UidValidity != uidValidity;
        uint[] vanished;
        lock (_vanished)
        {
            vanished = [.. _vanished.Order()];
            _vanished.Clear();
        }
        if (!countChanged && !flagsChanged && !resync && vanished.Length == 0)
        {
            return null;
        }
        if (resync)
        {
            return (new WebmailFolderDelta(Folder, [], [], [], Resync: true), folder.UidNext?.Id ?? uidNext, folder.HighestModSeq);
        }
        uint[] added = [];
        if (countChanged && folder.Count > 0)
        {
            // "n:*" always includes the last message (RFC 9051 §6.4.8), so keep only UIDs at or above n.
            var found = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(Math.Max(1, uidNext)), UniqueId.MaxValue)), stop);
            added = [.. found.Select(u => u.Id).Where(u => u >= uidNext).Order()];
            if (added.Length > 0)
            {
                uidNext = added[^1] + 1;
            }
        }
        uint[] changed = [];
        if (condStore)
        {
            // Only the messages whose mod-sequence moved (RFC 7162 §3.1.4.1): flag changes, and the new ones.
            var summaries = await folder.FetchAsync(UniqueIdRange.All, modSeq, MessageSummaryItems.UniqueId | MessageSummaryItems.ModSeq, stop);
            foreach (var s in summaries)
            {
                modSeq = Math.Max(modSeq, s.ModSeq ?? 0);
            }
            changed = [.. summaries.Select(s => s.UniqueId.Id).Where(u => u < (added.Length > 0 ? added[0] : uint.MaxValue)).Order()];
            modSeq = Math.Max(modSeq, folder.HighestModSeq);
        }
        else if (flagsChanged)
        {
            return (new WebmailFolderDelta(Folder, added, vanished, [], Resync: true), uidNext, modSeq);
        }
        return (new WebmailFolderDelta(Folder, added, vanished, changed, Resync: false), uidNext, modSeq);
    }

    private void Wake(ref int flag)
    {
        Volatile.Write(ref flag, 1);
        var done = Volatile.Read(ref _idleDone);
        try
        {
            done?.CancelAfter(Coalesce);
        }
        catch (ObjectDisposedException)
        {
            // IDLE already ended; the flag is read before the next one starts.
        }
    }

    private void Publish(WebmailFolderDelta delta)
    {
        if (delta.IsEmpty)
        {
            return;
        }
        Action<WebmailFolderDelta>[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers)
        {
            subscriber(delta);
        }
        if (!delta.Baseline)
        {
            _changed(Folder);
        }
    }

    private sealed class Subscription(WebmailFolderWatcher watcher, Action<WebmailFolderDelta> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watcher.Unsubscribe(onChange);
            }
        }
    }
}

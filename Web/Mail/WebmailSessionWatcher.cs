using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>
/// The one push connection of a webmail session (every tab of the sign-in shares it). With NOTIFY on the server
/// (RFC 5465) it EXAMINEs the folder the newest list shows and sends
/// <c>NOTIFY SET STATUS (selected (MessageNew (UID MODSEQ) MessageExpunge FlagChange)) (personal (MessageNew
/// MessageExpunge FlagChange MailboxName SubscriptionChange))</c>, then IDLEs (RFC 2177): the selected folder's changes
/// arrive as EXISTS/FETCH/VANISHED and become a <see cref="WebmailFolderDelta"/> without a further command; every other
/// folder's as STATUS (its counts; a list of it in another tab rebuilds); a folder created, renamed, deleted or
/// (un)subscribed by another client as LIST (the folder tree lists again, with counts). Without NOTIFY (or with
/// <see cref="WebmailOptions.PushUseNotify"/> off) it IDLEs on the newest list's folder and, every
/// <see cref="WebmailOptions.FolderStatusSeconds"/>, sends STATUS for the other folders lists show.
/// </summary>
/// <remarks>
/// IDLE is re-issued every <see cref="IdleRestart"/> (RFC 2177 §3: before 30 minutes). A broken connection is reopened
/// after <see cref="ReconnectPause"/> (doubled up to 30 s) and reported as a resync to every subscriber, since changes
/// may have been missed. Subscribers are called on a pool thread.
/// </remarks>
internal sealed partial class WebmailSessionWatcher : IAsyncDisposable
{
    /// <summary>Longest single IDLE command before it is ended and re-issued.</summary>
    public static readonly TimeSpan IdleRestart = TimeSpan.FromMinutes(9);

    /// <summary>How long the watcher waits after the first event before ending IDLE, so a burst becomes one delta.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(40);

    /// <summary>Pause before reconnecting after the connection broke (doubled up to 30 s).</summary>
    public static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(1);

    private readonly WebmailCredentials _credentials;
    private readonly WebmailImapConnector _connector;
    private readonly WebmailOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<string> _folderChanged;
    private readonly Action<WebmailSessionWatcher> _empty;
    private readonly object _lock = new();
    // Watched folders, oldest subscription first: the connection selects the last one (the list opened last).
    private readonly List<WatchedFolder> _folders = [];
    private readonly List<Action> _accountSubscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile bool _connected;
    private volatile bool _notifying;
    private bool _stopping;
    private int _stopped;

    public WebmailSessionWatcher(WebmailCredentials credentials, WebmailImapConnector connector, WebmailOptions options, ILogger logger,
        TimeProvider time, Action<string> folderChanged, Action<WebmailSessionWatcher> empty)
    {
        _time = time;
        _credentials = credentials;
        _connector = connector;
        _options = options;
        _logger = logger;
        _folderChanged = folderChanged;
        _empty = empty;
    }

    /// <summary>True while the connection is open and watching (its folder selected, NOTIFY set when used).</summary>
    public bool IsConnected => _connected;

    /// <summary>True while the connection is open with NOTIFY set (changes of every folder are pushed).</summary>
    public bool IsNotifying => _connected && _notifying;

    /// <summary>True once the watcher stops (no subscriber left, or the session closed): the session makes a new one.</summary>
    public bool IsStopping
    {
        get
        {
            lock (_lock)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Folders lists are watching.</summary>
    public int WatchedFolders
    {
        get
        {
            lock (_lock)
            {
                return _folders.Count;
            }
        }
    }

    /// <summary>Whether a list watches <paramref name="folder"/>.</summary>
    public bool Watches(string folder)
    {
        lock (_lock)
        {
            return _folders.Exists(f => SameFolder(f.Name, folder));
        }
    }

    /// <summary>
    /// Adds a subscriber to <paramref name="folder"/>'s changes; the connection selects it (the newest list is the one
    /// the user looks at) and the subscriber first gets a <see cref="WebmailFolderDelta.Baseline"/>.
    /// </summary>
    /// <returns>The subscription; null when the watcher is stopping (the session makes a new one).</returns>
    public IDisposable? Subscribe(string folder, Action<WebmailFolderDelta> onChange)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return null;
            }
            var watched = _folders.Find(f => SameFolder(f.Name, folder));
            if (watched is null)
            {
                watched = new WatchedFolder(folder);
            }
            else
            {
                _folders.Remove(watched);
            }
            _folders.Add(watched);
            watched.Subscribers.Add(onChange);
            if (_connected && Volatile.Read(ref _selected) is not null && SameFolder(_selectedName, folder))
            {
                // Already selected: the connection has its state, the subscriber gets the baseline now.
                var baseline = new WebmailFolderDelta(folder, [], [], [], Resync: false, (ulong)Interlocked.Read(ref _modSeqShown), Baseline: true);
                _ = Task.Run(() => onChange(baseline));
            }
            else
            {
                Retarget();
            }
            StartLocked();
        }
        return new Subscription(this, folder, onChange, null);
    }

    /// <summary>Adds a subscriber to changes of any folder (counts) and of the folder list; called after a short coalescing delay.</summary>
    /// <returns>The subscription; null when the watcher is stopping (the session makes a new one).</returns>
    public IDisposable? SubscribeAccount(Action onChange)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return null;
            }
            _accountSubscribers.Add(onChange);
            StartLocked();
        }
        return new Subscription(this, null, null, onChange);
    }

    /// <summary>
    /// Marks the watcher as stopping when it has no subscriber left, so the session makes a new one for the next;
    /// called by the session under its own lock after <c>empty</c> was reported.
    /// </summary>
    /// <returns>True when the watcher should be stopped.</returns>
    public bool TryMarkStopping()
    {
        lock (_lock)
        {
            if (_folders.Count > 0 || _accountSubscribers.Count > 0)
            {
                return false;
            }
            _stopping = true;
            return true;
        }
    }

    private void StartLocked()
    {
        if (_loop is null && Volatile.Read(ref _stopped) == 0)
        {
            var stop = _stop.Token;
            _loop = Task.Run(() => RunAsync(stop), CancellationToken.None);
        }
    }

    private void Unsubscribe(string? folder, Action<WebmailFolderDelta>? onChange, Action? onAccount)
    {
        bool empty;
        lock (_lock)
        {
            if (onAccount is not null)
            {
                _accountSubscribers.Remove(onAccount);
            }
            if (_folders.Find(f => SameFolder(f.Name, folder)) is { } watched && onChange is not null)
            {
                watched.Subscribers.Remove(onChange);
                if (watched.Subscribers.Count == 0)
                {
                    var wasTarget = ReferenceEquals(_folders[^1], watched);
                    _folders.Remove(watched);
                    if (wasTarget)
                    {
                        Retarget();
                    }
                }
            }
            empty = _folders.Count == 0 && _accountSubscribers.Count == 0;
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
        Task? loop;
        lock (_lock)
        {
            _stopping = true;
            loop = _loop;
        }
        await _stop.CancelAsync();
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
                await WatchAsync(client, first, () => pause = ReconnectPause, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (WebmailUnavailableException ex) when (ex.Failure == WebmailFailure.CredentialsRejected)
            {
                WebmailLog.WatcherStopped(_logger, ex);
                break;
            }
            catch (Exception ex) when (WebmailImapConnector.IsConnectionFailure(ex) || ex is WebmailUnavailableException or CommandException)
            {
                WebmailLog.WatcherReconnecting(_logger, ex);
            }
            finally
            {
                _connected = false;
                _notifying = false;
                Volatile.Write(ref _selected, null);
                first = false;
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

    /// <summary>The folder the connection should select: the newest list's, INBOX when no list is open (IDLE needs one).</summary>
    private string Target()
    {
        lock (_lock)
        {
            return _folders.Count > 0 ? _folders[^1].Name : "INBOX";
        }
    }

    /// <summary>Subscribers of <paramref name="folder"/> (empty when no list shows it).</summary>
    private Action<WebmailFolderDelta>[] SubscribersOf(string folder)
    {
        lock (_lock)
        {
            return _folders.Find(f => SameFolder(f.Name, folder)) is { } watched ? [.. watched.Subscribers] : [];
        }
    }

    /// <summary>The watched folders other than <paramref name="selected"/> (the fallback polls them with STATUS).</summary>
    private string[] OtherWatched(string? selected)
    {
        lock (_lock)
        {
            return [.. _folders.Where(f => !SameFolder(f.Name, selected)).Select(f => f.Name)];
        }
    }

    private sealed class WatchedFolder(string name)
    {
        public string Name { get; } = name;

        public List<Action<WebmailFolderDelta>> Subscribers { get; } = [];
    }

    private sealed class Subscription(WebmailSessionWatcher watcher, string? folder, Action<WebmailFolderDelta>? onChange, Action? onAccount) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watcher.Unsubscribe(folder, onChange, onAccount);
            }
        }
    }
}

namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    private readonly object _watchLock = new();
    private WebmailSessionWatcher? _watcher;

    /// <summary>
    /// Raised with the folder name after the push connection saw a change in the folder it has selected (new mail,
    /// flags, expunges from any client), so views showing counts can re-read them. Changes of other folders reach
    /// <see cref="WatchAccount"/> subscribers.
    /// </summary>
    public event Action<string>? Pushed;

    /// <summary>Open push connections of this session: 0 or 1 (<see cref="WebmailSessionWatcher"/>, shared by every list and folder tree).</summary>
    public int WatchingConnections => Volatile.Read(ref _watcher)?.IsConnected == true ? 1 : 0;

    /// <summary>True while the session's push connection is open with NOTIFY set (every folder's changes are pushed).</summary>
    public bool WatchingAccount => Volatile.Read(ref _watcher)?.IsNotifying == true;

    /// <summary>
    /// Calls <paramref name="onChange"/> (on a pool thread) with every change another client (or this one) makes to
    /// <paramref name="folderName"/>, through the session's one push connection (NOTIFY, RFC 5465, or IDLE, RFC 2177),
    /// which selects the folder of the newest subscription; a baseline comes first. Dispose the result to stop.
    /// </summary>
    /// <returns>The subscription; null when the session already watches <see cref="WebmailOptions.MaxWatchedFolders"/> other folders, or is closed.</returns>
    public IDisposable? Watch(string folderName, Action<WebmailFolderDelta> onChange)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        ArgumentNullException.ThrowIfNull(onChange);
        if (_refusal is not null)
        {
            return null;
        }
        lock (_watchLock)
        {
            if (_closed)
            {
                return null;
            }
            var watcher = CurrentWatcher();
            if (!watcher.Watches(folderName) && watcher.WatchedFolders >= Math.Max(0, _options.MaxWatchedFolders))
            {
                return null;
            }
            return watcher.Subscribe(folderName, onChange);
        }
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> (on a pool thread) when any folder of the account changes (new, expunged or
    /// re-flagged messages) or a folder is created, renamed, deleted or (un)subscribed by any client, through the
    /// session's push connection with NOTIFY (RFC 5465); nothing comes from a server without NOTIFY (the folder tree
    /// polls). Dispose the result to stop.
    /// </summary>
    /// <returns>The subscription; null when the session is closed or refused.</returns>
    public IDisposable? WatchAccount(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        if (_refusal is not null)
        {
            return null;
        }
        lock (_watchLock)
        {
            return _closed ? null : CurrentWatcher().SubscribeAccount(onChange);
        }
    }

    /// <summary>The live watcher, a new one when there is none or the last is stopping (caller holds <see cref="_watchLock"/>).</summary>
    private WebmailSessionWatcher CurrentWatcher()
    {
        if (_watcher is null || _watcher.IsStopping)
        {
            _watcher = new WebmailSessionWatcher(_credentials, _connector, _options, _logger, _time, OnWatcherChanged, OnWatcherEmpty);
        }
        return _watcher;
    }

    /// <summary>
    /// Lets the command connection catch up with changes the watcher reported in <paramref name="folderName"/>: the folder
    /// opened (EXAMINE) when it is not, then NOOP (RFC 9051 §6.1.2), so the server announces new messages to this
    /// connection before their rows are fetched.
    /// </summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task CatchUpAsync(string folderName, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            if (await EnsureOpenAsync(client, folderName, ct) is not null)
            {
                await client.NoOpAsync(ct);
            }
            return true;
        }, cancellationToken);

    private void OnWatcherChanged(string folderName) => Pushed?.Invoke(folderName);

    private void OnWatcherEmpty(WebmailSessionWatcher watcher)
    {
        lock (_watchLock)
        {
            if (!watcher.TryMarkStopping())
            {
                // A subscriber came back meanwhile.
                return;
            }
            if (ReferenceEquals(_watcher, watcher))
            {
                _watcher = null;
            }
        }
        _ = watcher.StopAsync();
    }

    private async Task StopWatcherAsync()
    {
        WebmailSessionWatcher? watcher;
        lock (_watchLock)
        {
            watcher = _watcher;
            _watcher = null;
        }
        if (watcher is not null)
        {
            await watcher.StopAsync();
        }
    }
}

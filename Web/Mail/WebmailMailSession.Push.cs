namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    private readonly Dictionary<string, WebmailFolderWatcher> _watchers = new(StringComparer.Ordinal);

    /// <summary>
    /// Raised with the folder name after an IDLE watcher saw a change in it (new mail, flags, expunges from any
    /// client), so views showing counts can re-read them.
    /// </summary>
    public event Action<string>? Pushed;

    /// <summary>Open IDLE connections of this session.</summary>
    public int WatchingConnections => WatcherCount;

    private int WatcherCount
    {
        get
        {
            lock (_watchers)
            {
                return _watchers.Values.Count(w => w.IsConnected);
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> (on a pool thread) with every change another client (or this one) makes to
    /// <paramref name="folderName"/>: an IDLE connection on the folder (RFC 2177) with QRESYNC enabled (RFC 7162),
    /// shared by every watcher of the folder in this session. Dispose the result to stop.
    /// </summary>
    /// <returns>The subscription; null when the session already watches <see cref="WebmailOptions.MaxWatchedFolders"/> other folders.</returns>
    public IDisposable? Watch(string folderName, Action<WebmailFolderDelta> onChange)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        ArgumentNullException.ThrowIfNull(onChange);
        if (_refusal is not null)
        {
            return null;
        }
        lock (_watchers)
        {
            if (_closed)
            {
                return null;
            }
            if (!_watchers.TryGetValue(folderName, out var watcher))
            {
                if (_watchers.Count >= Math.Max(0, _options.MaxWatchedFolders))
                {
                    return null;
                }
                watcher = new WebmailFolderWatcher(folderName, _credentials, _connector, _logger, OnWatcherChanged, OnWatcherEmpty);
                _watchers.Add(folderName, watcher);
            }
            return watcher.Subscribe(onChange);
        }
    }

    /// <summary>
    /// Lets the command connection catch up with changes a watcher reported in <paramref name="folderName"/>: the folder
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

    private void OnWatcherEmpty(WebmailFolderWatcher watcher)
    {
        lock (_watchers)
        {
            if (_watchers.TryGetValue(watcher.Folder, out var current) && ReferenceEquals(current, watcher))
            {
                _watchers.Remove(watcher.Folder);
            }
        }
        _ = watcher.StopAsync();
    }

    private async Task StopWatchersAsync()
    {
        List<WebmailFolderWatcher> all;
        lock (_watchers)
        {
            all = [.. _watchers.Values];
            _watchers.Clear();
        }
        foreach (var watcher in all)
        {
            await watcher.StopAsync();
        }
    }
}

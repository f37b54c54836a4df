namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    private readonly List<Action> _accountSubscribers = [];
    private WebmailAccountWatcher? _accountWatcher;

    /// <summary>True while the session's NOTIFY connection (<see cref="WatchAccount"/>) is open.</summary>
    public bool WatchingAccount => AccountWatcherConnected;

    private bool AccountWatcherConnected => Volatile.Read(ref _accountWatcher)?.IsConnected == true;

    /// <summary>
    /// Calls <paramref name="onChange"/> (on a pool thread) when any folder of the account changes (new, expunged or
    /// re-flagged messages), through one IMAP connection per session with NOTIFY (RFC 5465) and IDLE, shared by every
    /// subscriber; nothing happens when the server has no NOTIFY. Dispose the result to stop.
    /// </summary>
    /// <returns>The subscription; null when the session is closed or refused.</returns>
    public IDisposable? WatchAccount(Action onChange)
    {
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
            _accountSubscribers.Add(onChange);
            if (_accountWatcher is null)
            {
                _accountWatcher = new WebmailAccountWatcher(_credentials, _connector, _logger, OnAccountChanged);
                _accountWatcher.Start();
            }
        }
        return new AccountSubscription(this, onChange);
    }

    private void OnAccountChanged()
    {
        Action[] subscribers;
        lock (_watchers)
        {
            subscribers = [.. _accountSubscribers];
        }
        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    private void UnwatchAccount(Action onChange)
    {
        WebmailAccountWatcher? stop = null;
        lock (_watchers)
        {
            _accountSubscribers.Remove(onChange);
            if (_accountSubscribers.Count == 0)
            {
                stop = _accountWatcher;
                _accountWatcher = null;
            }
        }
        if (stop is not null)
        {
            _ = stop.StopAsync();
        }
    }

    private async Task StopAccountWatcherAsync()
    {
        WebmailAccountWatcher? stop;
        lock (_watchers)
        {
            stop = _accountWatcher;
            _accountWatcher = null;
            _accountSubscribers.Clear();
        }
        if (stop is not null)
        {
            await stop.StopAsync();
        }
    }

    private sealed class AccountSubscription(WebmailMailSession session, Action onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                session.UnwatchAccount(onChange);
            }
        }
    }
}

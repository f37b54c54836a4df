using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>
/// One user's IMAP connection: connects and logs in lazily, runs operations one at a time. Sessions of signed-in
/// users come from <see cref="WebmailConnectionPool"/> and are shared by every request and circuit of the sign-in
/// (disposing hands them back; the pool closes them); others (outbox) log out on dispose. A broken connection (protocol or I/O error,
/// CONVENTIONS.md §7) is dropped and the operation retried once on a fresh connection; a failed command
/// (<see cref="CommandException"/>) leaves the connection in use and is reported as a result value.
/// </summary>
public sealed partial class WebmailMailSession : IAsyncDisposable
{
    private readonly WebmailCredentials _credentials;
    private readonly WebmailImapConnector _connector;
    private readonly WebmailOptions _options;
    private readonly ILogger _logger;
    // One IMAP connection runs one command at a time; layout and page of one request share the session.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WebmailConnectionPool? _pool;
    private readonly WebmailFailure? _refusal;
    private readonly TimeProvider _time;
    private ImapClient? _client;
    private volatile bool _closed;
    private int _closing;
    private long _lastCommand;

    internal WebmailMailSession(WebmailCredentials credentials, WebmailImapConnector connector, WebmailOptions options, ILogger logger, TimeProvider? time = null)
    {
        _credentials = credentials;
        _connector = connector;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _lastCommand = _time.GetTimestamp();
    }

    /// <summary>A session owned by <paramref name="pool"/>: disposing it hands it back instead of logging out.</summary>
    internal WebmailMailSession(WebmailCredentials credentials, WebmailImapConnector connector, WebmailOptions options, ILogger logger, WebmailConnectionPool pool, TimeProvider time)
        : this(credentials, connector, options, logger, time) => _pool = pool;

    /// <summary>A session whose every operation fails with <paramref name="refusal"/> (the pool is full).</summary>
    internal WebmailMailSession(WebmailCredentials credentials, WebmailImapConnector connector, WebmailOptions options, ILogger logger, WebmailFailure refusal)
        : this(credentials, connector, options, logger) => _refusal = refusal;

    /// <summary>IMAP logins this session's command connection has made (1 while one connection serves every request).</summary>
    public int Logins => Volatile.Read(ref _logins);

    private int _logins;

    /// <summary>Open IMAP connections: the command connection (0 or 1) plus the push connection (0 or 1).</summary>
    public int OpenConnections => (_client is { IsConnected: true } ? 1 : 0) + WatchingConnections;

    /// <summary>
    /// Raised with the folder name after <see cref="OpenMessageAsync"/> set <c>\Seen</c> on an unread
    /// message, so views that showed an unread count earlier in the same request can lower it.
    /// </summary>
    public event Action<string>? MarkedSeen;

    /// <summary>The signed-in address.</summary>
    public string Address => _credentials.Address;

    /// <summary>Runs <paramref name="operation"/> on a connected client, reconnecting once if the connection breaks.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is unreachable, broke twice, or refuses the session's credentials.</exception>
    private async Task<T> RunAsync<T>(Func<ImapClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (_refusal is { } refusal)
        {
            throw new WebmailUnavailableException(refusal,
                refusal == WebmailFailure.TooManySessions ? "This web node has no room for another mail session." : "The session was signed out.", null);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                // Signed out (possibly from another tab): the pool closed the session under this circuit.
                throw new WebmailUnavailableException(WebmailFailure.CredentialsRejected, "The session was signed out.", null);
            }
            return await RunLockedAsync(operation, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _lastCommand, _time.GetTimestamp());
            _gate.Release();
        }
    }

    /// <summary>
    /// Logs the command connection out when it has run no command for <paramref name="idle"/> and none is running
    /// (<see cref="WebmailOptions.PoolConnectionIdleSeconds"/>); the next operation reconnects. The push connection stays.
    /// </summary>
    /// <returns>Whether a connection was closed.</returns>
    internal async Task<bool> DisconnectIfIdleAsync(TimeSpan idle)
    {
        if (_client is null || _time.GetElapsedTime(Volatile.Read(ref _lastCommand)) < idle || !await _gate.WaitAsync(0))
        {
            return false;
        }
        try
        {
            if (_client is null || _time.GetElapsedTime(Volatile.Read(ref _lastCommand)) < idle)
            {
                return false;
            }
            await DropClientAsync();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> RunLockedAsync<T>(Func<ImapClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = await GetClientAsync(cancellationToken);
            try
            {
                return await operation(client, cancellationToken);
            }
            catch (Exception ex) when (WebmailImapConnector.IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                await DropClientAsync();
                if (attempt > 0)
                {
                    throw new WebmailUnavailableException(WebmailFailure.ServerUnavailable, "The mail server connection broke.", ex);
                }
                WebmailLog.ImapReconnecting(_logger, ex);
            }
        }
    }

    private async Task<ImapClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true, IsAuthenticated: true })
        {
            return _client;
        }
        await DropClientAsync();
        try
        {
            _client = await _connector.ConnectAsync(_credentials.Address, _credentials.Password, _credentials.ClientAddress, cancellationToken);
            Interlocked.Increment(ref _logins);
        }
        catch (WebmailUnavailableException ex) when (ex.Failure == WebmailFailure.CredentialsRejected)
        {
            WebmailLog.SessionCredentialsRejected(_logger, _credentials.Address);
            throw;
        }
        return _client;
    }

    private async Task DropClientAsync()
    {
        if (_client is null)
        {
            return;
        }
        var client = _client;
        _client = null;
        try
        {
            if (client.IsConnected)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, cts.Token);
            }
        }
        catch (Exception ex) when (WebmailImapConnector.IsConnectionFailure(ex) || ex is OperationCanceledException or CommandException)
        {
            // Logging out of a connection that is already broken has nothing left to do.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Hands a pooled session back to its pool; otherwise logs out and closes the connection, if one was opened.</summary>
    public ValueTask DisposeAsync()
    {
        if (_pool is not null)
        {
            _pool.Release(this);
            return ValueTask.CompletedTask;
        }
        return CloseAsync();
    }

    /// <summary>
    /// Refuses every later operation and watch of this session at once (its sign-in ended); <see cref="CloseAsync"/> then
    /// ends the connections. Operations already running finish.
    /// </summary>
    internal void Refuse()
    {
        lock (_watchLock)
        {
            _closed = true;
        }
    }

    /// <summary>Stops the push connection, logs out and closes the command connection; the session is unusable afterwards.</summary>
    internal async ValueTask CloseAsync()
    {
        lock (_watchLock)
        {
            _closed = true;
        }
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        // The session's preview cache entries expire with it.
        await _ended.CancelAsync();
        await StopWatcherAsync();
        await _gate.WaitAsync();
        try
        {
            await DropClientAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}

using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>
/// One user's IMAP connection for the length of one request (static SSR, endpoint) or circuit: connects
/// and logs in lazily, runs operations, logs out on dispose. A broken connection (protocol or I/O error,
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
    private ImapClient? _client;

    internal WebmailMailSession(WebmailCredentials credentials, WebmailImapConnector connector, WebmailOptions options, ILogger logger)
    {
        _credentials = credentials;
        _connector = connector;
        _options = options;
        _logger = logger;
    }

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
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(operation, cancellationToken);
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
            _client = await _connector.ConnectAsync(_credentials.Address, _credentials.Password, cancellationToken);
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

    /// <summary>Logs out and closes the connection, if one was opened.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropClientAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }
}

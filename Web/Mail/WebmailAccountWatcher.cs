using MailKit;
using MailKit.Net.Imap;

namespace Mail.Web.Webmail;

/// <summary>
/// One IMAP connection per session that reports changes in any of the user's folders, for the folder tree's counts:
/// it EXAMINEs INBOX, sends <c>NOTIFY SET STATUS (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew
/// MessageExpunge FlagChange))</c> (RFC 5465 §3, §5.1: a STATUS response for every other folder that changes) and IDLEs
/// (RFC 2177), so a delivery to a folder nobody has open is seen within the server's notification delay instead of the
/// next poll. Without NOTIFY or IDLE on the server it stops at once (the folder tree keeps polling); a broken connection
/// is reopened after a pause and reported as a change (something may have been missed meanwhile).
/// </summary>
internal sealed class WebmailAccountWatcher : IAsyncDisposable
{
    private readonly WebmailCredentials _credentials;
    private readonly WebmailImapConnector _connector;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _pending;
    private int _stopped;
    private volatile bool _connected;

    public WebmailAccountWatcher(WebmailCredentials credentials, WebmailImapConnector connector, ILogger logger, Action changed)
    {
        _credentials = credentials;
        _connector = connector;
        _logger = logger;
        _changed = changed;
    }

    /// <summary>True while the connection is open and NOTIFY is set.</summary>
    public bool IsConnected => _connected;

    /// <summary>Starts the connection (once).</summary>
    public void Start()
    {
        if (_loop is null && Volatile.Read(ref _stopped) == 0)
        {
            var stop = _stop.Token;
            _loop = Task.Run(() => RunAsync(stop), CancellationToken.None);
        }
    }

    /// <summary>Ends IDLE, logs out and closes the connection (once).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_loop is { } loop)
        {
            await loop;
        }
        _stop.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task RunAsync(CancellationToken stop)
    {
        var pause = WebmailFolderWatcher.ReconnectPause;
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _connector.ConnectAsync(_credentials.Address, _credentials.Password, _credentials.ClientAddress, stop);
                if (!client.Capabilities.HasFlag(ImapCapabilities.Notify) || !client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    await client.DisconnectAsync(quit: true, stop);
                    return;
                }
                // MailKit raises a folder's CountChanged/UnreadChanged for a STATUS response only for folders it knows.
                var personal = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : new FolderNamespace('/', "");
                foreach (var folder in await client.GetFoldersAsync(personal, StatusItems.None, subscribedOnly: false, stop))
                {
                    Hook(folder);
                }
                Hook(client.Inbox);
                client.Inbox.MessageFlagsChanged += (_, _) => Changed();
                client.Inbox.MessageExpunged += (_, _) => Changed();
                await client.Inbox.OpenAsync(FolderAccess.ReadOnly, stop);
                ImapEvent[] events = [new ImapEvent.MessageNew(MessageSummaryItems.None), ImapEvent.MessageExpunge, ImapEvent.FlagChange];
                await client.NotifyAsync(status: true, [new ImapEventGroup(ImapMailboxFilter.Selected, events), new ImapEventGroup(ImapMailboxFilter.Personal, events)], stop);
                _connected = true;
                if (!first)
                {
                    Changed();
                }
                first = false;
                pause = WebmailFolderWatcher.ReconnectPause;
                while (!stop.IsCancellationRequested)
                {
                    using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    done.CancelAfter(WebmailFolderWatcher.IdleRestart);
                    await client.IdleAsync(done.Token, stop);
                }
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is CommandException or WebmailUnavailableException { Failure: WebmailFailure.CredentialsRejected })
            {
                // The server refused NOTIFY or the login: nothing to watch; the folder tree polls.
                WebmailLog.AccountWatcherReconnecting(_logger, ex);
                break;
            }
            catch (Exception ex) when (WebmailImapConnector.IsConnectionFailure(ex) || ex is WebmailUnavailableException)
            {
                WebmailLog.AccountWatcherReconnecting(_logger, ex);
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

    private void Hook(IMailFolder folder)
    {
        folder.CountChanged += (_, _) => Changed();
        folder.UnreadChanged += (_, _) => Changed();
        folder.HighestModSeqChanged += (_, _) => Changed();
    }

    /// <summary>Reports a change once per <see cref="WebmailFolderWatcher.Coalesce"/>, so a burst of responses is one reload.</summary>
    private void Changed()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            await Task.Delay(WebmailFolderWatcher.Coalesce);
            Volatile.Write(ref _pending, 0);
            _changed();
        });
    }
}

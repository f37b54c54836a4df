using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// One IMAP connection (RFC 9051): reads framed commands from a <see cref="PipeReader"/>, checks
/// them against <see cref="ImapStateTable"/>, runs them and writes replies. Holds the connection
/// state, the logged-in account, the selected mailbox snapshot and the enabled extensions.
/// Only this loop writes tagged replies and decides whether the connection survives (CONVENTIONS.md §6).
/// </summary>
public sealed partial class ImapSession : IAsyncDisposable
{
    private static long s_nextId;
    private readonly Socket _socket;
    private readonly NetworkStream _networkStream;
    private readonly ImapCommandReader _commandReader;
    private Stream _stream;
    private PipeReader _reader;
    private PipeWriter _writer;
    private int _authFailures;
    private int _badCommands;
    private long _commandCount;

    /// <param name="server">Shared services.</param>
    /// <param name="socket">The accepted connection (owned by the session).</param>
    /// <param name="implicitTls">TLS from the first byte (endpoint <c>ImapTls</c>, RFC 8314 §3.3).</param>
    public ImapSession(ImapServerContext server, Socket socket, bool implicitTls = false)
    {
        ImplicitTls = implicitTls;
        Server = server;
        _socket = socket;
        _networkStream = new NetworkStream(socket, ownsSocket: true);
        _stream = _networkStream;
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        Out = new ImapResponseWriter(_writer);
        _commandReader = new ImapCommandReader(server.Options.Limits, server.Options.LiteralMinus);
        Id = Interlocked.Increment(ref s_nextId);
        Remote = socket.RemoteEndPoint;
        IsLoopback = Remote is IPEndPoint ip && IPAddress.IsLoopback(ip.Address);
    }

    /// <summary>Connection number for logs.</summary>
    public long Id { get; }

    public ImapServerContext Server { get; }

    /// <summary>Response writer for untagged data.</summary>
    public ImapResponseWriter Out { get; }

    public EndPoint? Remote { get; }

    /// <summary>The peer is on a loopback address (plaintext authentication allowed).</summary>
    public bool IsLoopback { get; }

    /// <summary>The connection started with TLS (endpoint <c>ImapTls</c>).</summary>
    public bool ImplicitTls { get; }

    /// <summary>TLS is active (after STARTTLS or on the implicit-TLS endpoint).</summary>
    public bool IsTls { get; private set; }

    public ImapState State { get; private set; } = ImapState.NotAuthenticated;

    /// <summary>The logged-in account (canonical address), else null.</summary>
    public string? User { get; private set; }

    /// <summary>The account's store, after login.</summary>
    public IAccountStore? Account { get; private set; }

    /// <summary>The selected mailbox, in the Selected state.</summary>
    public ImapSelectedMailbox? Selected { get; private set; }

    /// <summary>IMAP4rev2 was enabled (RFC 9051 §6.3.1).</summary>
    public bool Rev2 { get; private set; }

    /// <summary>CONDSTORE is enabled (RFC 7162 §3.1): MODSEQ in FETCH replies, HIGHESTMODSEQ on SELECT.</summary>
    public bool CondStore { get; private set; }

    /// <summary>QRESYNC is enabled (RFC 7162 §3.2): VANISHED instead of EXPUNGE, SELECT (QRESYNC ...).</summary>
    public bool QResync { get; private set; }

    /// <summary>UTF-8 mailbox names and strings (IMAP4rev2 or UTF8=ACCEPT).</summary>
    public bool Utf8 { get; private set; }

    internal ILogger Logger => Server.Logger;

    /// <summary>Serves the connection until LOGOUT, error, timeout or <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ImapLog.Connected(Logger, Id, Remote);
        try
        {
            if (ImplicitTls && !await HandshakeAsync(cancellationToken))
            {
                return;
            }
            Out.Raw("* OK [CAPABILITY "u8).Ascii(Capabilities()).Raw("] "u8).Ascii(Server.HostName).Raw(" IMAP4rev2 server ready\r\n"u8);
            await Out.FlushAsync(cancellationToken);
            await ReadLoopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryByeAsync("Server shutting down");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            ImapLog.ConnectionError(Logger, Id, ex);
        }
        catch (Exception ex)
        {
            ImapLog.SessionError(Logger, Id, ex);
            await TryByeAsync("Internal server error");
        }
        finally
        {
            ImapLog.Disconnected(Logger, Id);
        }
    }

    private async Task TryByeAsync(string text)
    {
        try
        {
            Out.Raw("* BYE "u8).Ascii(text).Crlf();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Out.FlushAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The peer is gone; nothing more to say.
        }
    }

    /// <summary>Marks the session logged in as <paramref name="user"/> with its account store.</summary>
    internal void SetAuthenticated(string user, IAccountStore account)
    {
        User = user;
        Account = account;
        account.MailboxChanged += OnMailboxChanged;
        account.MailboxListChanged += OnMailboxListChanged;
        State = ImapState.Authenticated;
        // From now on large APPEND literals stream into the account's store (ImapLimits.AppendSpoolThresholdOctets).
        _commandReader.SpoolAllowed = true;
    }

    /// <summary>Enters the Selected state.</summary>
    internal void SetSelected(ImapSelectedMailbox mailbox)
    {
        UnwatchSharedStore();
        WatchSharedStore(mailbox.Store);
        Selected = mailbox;
        State = ImapState.Selected;
    }

    /// <summary>Leaves the Selected state (CLOSE, UNSELECT, failed SELECT).</summary>
    internal void ClearSelected()
    {
        UnwatchSharedStore();
        Selected?.ReleaseView();
        Selected = null;
        if (State == ImapState.Selected)
        {
            State = ImapState.Authenticated;
        }
    }

    /// <summary>Enables IMAP4rev2 semantics.</summary>
    internal void EnableRev2()
    {
        Rev2 = true;
        EnableUtf8();
    }

    /// <summary>
    /// Enables CONDSTORE (ENABLE or a CONDSTORE-enabling command). The first time, in the Selected
    /// state, reports the mailbox's HIGHESTMODSEQ (RFC 7162 §3.1).
    /// </summary>
    internal async ValueTask EnableCondStoreAsync(CancellationToken cancellationToken)
    {
        if (CondStore)
        {
            return;
        }
        CondStore = true;
        if (Selected is { } selected && await selected.Store.GetMailboxAsync(selected.Name, cancellationToken) is { } info)
        {
            Out.Raw("* OK [HIGHESTMODSEQ "u8).Number(info.HighestModSeq).Raw("] Highest\r\n"u8);
        }
    }

    /// <summary>Enables QRESYNC (which implies CONDSTORE, RFC 7162 §3.2.3).</summary>
    internal async ValueTask EnableQResyncAsync(CancellationToken cancellationToken)
    {
        await EnableCondStoreAsync(cancellationToken);
        QResync = true;
    }

    /// <summary>
    /// Reports expunged messages of the snapshot: <c>* n EXPUNGE</c> in descending order, or one
    /// <c>* VANISHED uid-set</c> once QRESYNC is enabled (RFC 7162 §3.2.10).
    /// </summary>
    internal void ReportExpunged(IReadOnlyList<MessageRecord> snapshot, IReadOnlyCollection<int> indexes)
    {
        if (indexes.Count == 0)
        {
            return;
        }
        ReportExpungedFromContexts(snapshot, indexes);
        if (QResync)
        {
            Out.Raw("* VANISHED "u8).Ascii(ImapSequenceSet.Format(indexes.Select(i => snapshot[i].Uid).Order().ToList())).Crlf();
            return;
        }
        foreach (var i in indexes.OrderDescending())
        {
            // Descending order keeps every number valid at the moment it is sent.
            Out.Raw("* "u8).Number(i + 1).Raw(" EXPUNGE\r\n"u8);
        }
    }

    /// <summary>Enables UTF-8 strings (UTF8=ACCEPT, RFC 6855).</summary>
    internal void EnableUtf8()
    {
        Utf8 = true;
        Out.Utf8 = true;
    }

    /// <summary>Counts a failed authentication; true when the limit is reached and the connection must close.</summary>
    internal bool CountAuthFailure() => ++_authFailures >= Server.Options.MaxAuthFailures;

    /// <summary>The current CAPABILITY list (RFC 9051 §7.2.2), depending on state and TLS.</summary>
    public string Capabilities()
    {
        if (State == ImapState.NotAuthenticated)
        {
            var caps = ImapCapabilities.AlwaysFor(Server.Options);
            if (!IsTls)
            {
                caps += " STARTTLS";
            }
            caps += AuthCapabilities();
            return caps;
        }
        // APPENDLIMIT (RFC 7889 §3): the configured largest APPEND, the same for every mailbox.
        return ImapCapabilities.AuthenticatedFor(Server.Options) + " APPENDLIMIT=" + Server.Options.Limits.MaxAppendOctets.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Account is not null)
        {
            Account.MailboxChanged -= OnMailboxChanged;
            Account.MailboxListChanged -= OnMailboxListChanged;
        }
        UnwatchSharedStore();
        UnwatchSharedNotify();
        Selected?.ReleaseView();
        // Removes the tmp/ file of a literal cut off by the disconnect.
        _commandReader.Reset();
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        if (!ReferenceEquals(_stream, _networkStream))
        {
            await _stream.DisposeAsync();
        }
        await _networkStream.DisposeAsync();
        _socket.Dispose();
    }
}

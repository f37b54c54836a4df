using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mail.Protocols.Authentication;
using Mail.Protocols.Hosting;
using Mail.Protocols.Pop3.Commands;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Pop3;

/// <summary>
/// One POP3 connection (RFC 1939): reads command lines through <see cref="Pop3Tokenizer"/>, checks
/// them against <see cref="Pop3StateTable"/>, runs the command class and writes its reply. Only this
/// loop decides whether the connection survives; a command's exception becomes
/// <c>-ERR [SYS/TEMP]</c> (logged as an error) and the session goes on.
/// </summary>
internal sealed partial class Pop3Session : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Pop3Services _services;
    private Stream _stream;
    private bool _closeRequested;
    private string? _lockedAccount;

    public Pop3Session(Socket socket, Pop3Services services)
    {
        _socket = socket;
        _services = services;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>The client's address.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Current state.</summary>
    public Pop3State State { get; set; } = Pop3State.Authorization;

    /// <summary>Name given by USER, waiting for PASS.</summary>
    public string? PendingUser { get; set; }

    /// <summary>The logged-in user (TRANSACTION state).</summary>
    public DirectoryUser? User { get; private set; }

    /// <summary>The snapshot taken at login (TRANSACTION state).</summary>
    public Pop3Maildrop? Maildrop { get; private set; }

    /// <summary>True after STLS.</summary>
    public bool IsSecure => _stream is SslStream;

    public Pop3Options Options => _services.Options;

    public IMailDirectory Directory => _services.Directory;

    public ILogger Logger => _services.Logger;

    public TlsCertificateProvider Certificates => _services.Certificates;

    /// <summary>Shared authentication (mechanisms, password and SCRAM checks, failure delays).</summary>
    public SaslAuthenticator Authenticator => _services.Authenticator;

    /// <summary>True after the UTF8 command (RFC 6856 §2).</summary>
    public bool Utf8Mode { get; set; }

    /// <summary>Ends the session after the current reply.</summary>
    public void Close() => _closeRequested = true;

    /// <summary>Runs the session to its end; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Pop3Log.Connected(Logger, Remote);
        try
        {
            if (_services.ImplicitTls)
            {
                // RFC 8314 §3.3: TLS from the first byte (port 995).
                await HandshakeAsync(cancellationToken);
            }
            _reader = NewReader();
            await WriteLineAsync($"+OK {_services.HostName} POP3 server ready", cancellationToken);
            while (!_closeRequested)
            {
                var line = await ReadLineAsync(Options.MaxCommandLineOctets, cancellationToken);
                if (line is null)
                {
                    break;
                }
                if (line.Rejected)
                {
                    Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.LineTooLong);
                    await WriteLineAsync("-ERR line too long", cancellationToken);
                    continue;
                }
                await DispatchAsync(Pop3Tokenizer.Parse(line.Bytes), cancellationToken);
            }
        }
        catch (TimeoutException)
        {
            Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.IdleTimeout);
            await TryWriteAsync("-ERR autologout: idle timeout");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            Pop3Log.ConnectionEnded(Logger, Remote, ex.Message);
        }
        finally
        {
            await CloseConnectionAsync();
        }
    }

    private async Task DispatchAsync(Pop3Request request, CancellationToken cancellationToken)
    {
        if (!Pop3Commands.All.TryGetValue(request.Verb, out var command))
        {
            await WriteLineAsync("-ERR unknown command", cancellationToken);
            return;
        }
        if (!Pop3StateTable.IsAllowed(State, command.Name))
        {
            await WriteLineAsync($"-ERR {command.Name} not valid in this state", cancellationToken);
            return;
        }
        try
        {
            await command.ExecuteAsync(this, request, cancellationToken);
        }
        catch (DirectoryUnavailableException ex)
        {
            Pop3Log.DirectoryUnavailable(Logger, Remote, ex);
            await WriteLineAsync("-ERR [SYS/TEMP] directory unavailable, try again later", cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or TimeoutException) && ex is not IOException { InnerException: SocketException })
        {
            Pop3Log.CommandFailed(Logger, Remote, command.Name, ex);
            await WriteLineAsync("-ERR [SYS/TEMP] internal error, try again later", cancellationToken);
        }
    }

    /// <summary>
    /// Locks the maildrop (RFC 1939 §8), takes its snapshot (RFC 1939 §4) and enters TRANSACTION.
    /// </summary>
    /// <returns>False when another session holds the lock (nothing changed).</returns>
    public async Task<bool> EnterTransactionAsync(DirectoryUser user, CancellationToken cancellationToken)
    {
        if (!_services.Locks.TryAcquire(user.Address))
        {
            return false;
        }
        _lockedAccount = user.Address;
        IAccountStore account;
        MailboxInfo inbox;
        IReadOnlyList<MessageRecord> messages;
        try
        {
            account = await _services.Store.OpenAccountAsync(user.Address, cancellationToken);
            inbox = await account.GetMailboxAsync("INBOX", cancellationToken)
                ?? throw new InvalidOperationException("Account without INBOX.");
            messages = await account.GetMessagesAsync(inbox.Id, cancellationToken);
        }
        catch
        {
            ReleaseMaildrop();
            throw;
        }
        Maildrop = new Pop3Maildrop(account, inbox, messages);
        User = user;
        PendingUser = null;
        State = Pop3State.Transaction;
        Pop3Log.LoggedIn(Logger, Remote, user.Address, messages.Count);
        return true;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(CloseConnectionAsync());

    /// <summary>Releases the maildrop lock (QUIT, disconnect); does nothing when none is held.</summary>
    public void ReleaseMaildrop()
    {
        if (Interlocked.Exchange(ref _lockedAccount, null) is { } locked)
        {
            _services.Locks.Release(locked);
        }
    }

    private async Task CloseConnectionAsync()
    {
        ReleaseMaildrop();
        try
        {
            await (_reader?.CompleteAsync() ?? ValueTask.CompletedTask);
            await _stream.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            Pop3Log.ConnectionEnded(Logger, Remote, ex.Message);
        }
        _socket.Dispose();
    }
}

/// <summary>What every POP3 session needs from the host.</summary>
internal sealed record Pop3Services(
    Pop3Options Options,
    IMailDirectory Directory,
    IMailStore Store,
    TlsCertificateProvider Certificates,
    SaslAuthenticator Authenticator,
    TimeProvider Time,
    string HostName,
    ILogger Logger,
    bool ImplicitTls)
{
    /// <summary>The maildrop locks of this node, shared by the plain and implicit-TLS listeners (RFC 1939 §8).</summary>
    public required Pop3MaildropLocks Locks { get; init; }
}

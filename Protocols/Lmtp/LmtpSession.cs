using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Lmtp.Commands;
using Mail.Shared.Directory;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Lmtp;

/// <summary>
/// One LMTP connection (RFC 2033): refuses clients outside the trusted networks, reads command
/// lines through <see cref="LmtpTokenizer"/>, checks them against <see cref="LmtpStateTable"/>, runs
/// the command class and writes its reply. Replies are written in order, so pipelined commands
/// (RFC 2920) are answered one by one. Only this loop decides whether the connection survives; a
/// command's exception becomes <c>451 4.3.0</c> (logged as an error) and the session goes on.
/// </summary>
internal sealed partial class LmtpSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly LmtpServices _services;
    private readonly NetworkStream _stream;
    private bool _closeRequested;

    public LmtpSession(Socket socket, LmtpServices services)
    {
        _socket = socket;
        _services = services;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
    }

    /// <summary>The client's address.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Current state.</summary>
    public LmtpState State { get; set; } = LmtpState.Greeted;

    /// <summary>The LHLO argument.</summary>
    public string? LhloName { get; set; }

    /// <summary>The current transaction (after MAIL FROM), else null.</summary>
    public LmtpTransaction? Transaction { get; private set; }

    public LmtpOptions Options => _services.Options;

    public IMailDirectory Directory => _services.Directory;

    public ILogger Logger => _services.Logger;

    public LmtpServices Services => _services;

    public string HostName => _services.HostName;

    /// <summary>Ends the session after the current reply.</summary>
    public void Close() => _closeRequested = true;

    /// <summary>Starts a transaction (MAIL FROM).</summary>
    public void BeginTransaction(LmtpTransaction transaction)
    {
        Transaction = transaction;
        State = LmtpState.Mail;
    }

    /// <summary>Drops the transaction (RSET, LHLO, end of DATA): back to <see cref="LmtpState.Ready"/>.</summary>
    public void ResetTransaction()
    {
        Transaction = null;
        State = LmtpState.Ready;
    }

    /// <summary>Runs the session to its end; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LmtpLog.Connected(Logger, Remote);
        try
        {
            _reader = NewReader();
            if (!_services.TrustedNetworks.Contains(Remote.Address))
            {
                LmtpLog.Rejected(Logger, Remote, LmtpRejectReason.UntrustedNetwork);
                await WriteLineAsync($"421 4.7.0 {HostName} LMTP not available from your network", cancellationToken);
                return;
            }
            await WriteLineAsync($"220 {HostName} LMTP server ready", cancellationToken);
            while (!_closeRequested)
            {
                var line = await ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }
                if (line.Rejected)
                {
                    LmtpLog.Rejected(Logger, Remote, LmtpRejectReason.CommandLineTooLong);
                    await WriteLineAsync("500 5.5.2 command line too long", cancellationToken);
                    continue;
                }
                await DispatchAsync(LmtpTokenizer.Parse(line.Bytes), cancellationToken);
            }
        }
        catch (TimeoutException)
        {
            LmtpLog.Rejected(Logger, Remote, LmtpRejectReason.IdleTimeout);
            await TryWriteAsync($"421 4.4.2 {HostName} idle timeout, closing connection");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            LmtpLog.ConnectionEnded(Logger, Remote, ex.Message);
        }
        finally
        {
            await CloseConnectionAsync();
        }
    }

    private async Task DispatchAsync(LmtpRequest request, CancellationToken cancellationToken)
    {
        if (!LmtpCommands.All.TryGetValue(request.Verb, out var command))
        {
            await WriteLineAsync("500 5.5.1 command not recognized", cancellationToken);
            return;
        }
        if (!LmtpStateTable.IsAllowed(State, command.Name))
        {
            var why = State == LmtpState.Greeted ? "send LHLO first" : $"{command.Name} not valid now";
            await WriteLineAsync($"503 5.5.1 bad sequence of commands: {why}", cancellationToken);
            return;
        }
        try
        {
            await command.ExecuteAsync(this, request, cancellationToken);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or TimeoutException) && ex is not IOException { InnerException: SocketException })
        {
            LmtpLog.CommandFailed(Logger, Remote, command.Name, ex);
            await WriteLineAsync("451 4.3.0 internal error, try again later", cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(CloseConnectionAsync());

    private async Task CloseConnectionAsync()
    {
        try
        {
            await (_reader?.CompleteAsync() ?? ValueTask.CompletedTask);
            await _stream.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LmtpLog.ConnectionEnded(Logger, Remote, ex.Message);
        }
        _socket.Dispose();
    }
}

/// <summary>One mail transaction: envelope sender, accepted recipients in RCPT order, each with the accounts it resolved to.</summary>
internal sealed class LmtpTransaction(string sender, bool utf8)
{
    /// <summary>Envelope sender, empty for the null path.</summary>
    public string Sender { get; } = sender;

    /// <summary>MAIL FROM carried SMTPUTF8 (RFC 6531).</summary>
    public bool Utf8 { get; } = utf8;

    /// <summary>Accepted recipients, in RCPT order (one DATA reply each, RFC 2033 §4.2).</summary>
    public List<LmtpRecipient> Recipients { get; } = [];
}

/// <summary>An accepted recipient: the local accounts it delivers to and the remote addresses it forwards to (either may be empty, not both).</summary>
internal sealed record LmtpRecipient(string Address, IReadOnlyList<string> Accounts, IReadOnlyList<string> Forwards);

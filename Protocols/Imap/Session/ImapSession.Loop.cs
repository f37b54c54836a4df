using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Imap.Protocol;
using Mail.Shared.Directory;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    private CancellationTokenSource? _idleTimer;

    /// <summary>Tag of the command being parsed or run (ESEARCH echoes it).</summary>
    internal string CurrentTag { get; private set; } = "*";

    /// <summary>Cancelled when the connection has been inactive for <see cref="ImapOptions.IdleTimeout"/>.</summary>
    internal CancellationToken InactivityToken => _idleTimer?.Token ?? CancellationToken.None;

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var timeout = Server.Options.IdleTimeout;
        using var idleTimer = new CancellationTokenSource(timeout, Server.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idleTimer.Token);
        _idleTimer = idleTimer;
        var midCommand = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await ReadWithNotificationsAsync(midCommand, linked.Token, cancellationToken);
            }
            catch (OperationCanceledException) when (idleTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                ImapLog.Autologout(Logger, Id);
                await TryByeAsync("Autologout; idle for too long");
                return;
            }

            var status = _commandReader.TryRead(result.Buffer, out var consumed, out var examined);
            // A half-received command (partial line, or a literal awaited): NOTIFY writes nothing until it is complete.
            midCommand = status == ImapReadStatus.ContinuationNeeded
                || (status == ImapReadStatus.NeedMore && (_commandReader.Command.Length > 0 || _commandReader.InLiteral || !result.Buffer.IsEmpty));
            switch (status)
            {
                case ImapReadStatus.NeedMore:
                    _reader.AdvanceTo(consumed, examined);
                    if (result.IsCompleted)
                    {
                        return;
                    }
                    break;

                case ImapReadStatus.ContinuationNeeded:
                    _reader.AdvanceTo(consumed);
                    Out.Raw("+ Ready for literal data\r\n"u8);
                    await Out.FlushAsync(cancellationToken);
                    break;

                case ImapReadStatus.SpoolLiteral:
                    _reader.AdvanceTo(consumed);
                    try
                    {
                        if (!await SpoolLiteralAsync(idleTimer, linked.Token))
                        {
                            return;
                        }
                    }
                    catch (OperationCanceledException) when (idleTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        ImapLog.Autologout(Logger, Id);
                        await TryByeAsync("Autologout; idle for too long");
                        return;
                    }
                    break;

                case ImapReadStatus.Rejected:
                    _reader.AdvanceTo(consumed);
                    var keep = await RejectAsync(cancellationToken);
                    _commandReader.Reset();
                    if (!keep)
                    {
                        return;
                    }
                    break;

                case ImapReadStatus.Command:
                    _reader.AdvanceTo(consumed);
                    if (!idleTimer.TryReset())
                    {
                        return;
                    }
                    idleTimer.CancelAfter(timeout);
                    var proceed = await ExecuteAsync(cancellationToken);
                    _commandReader.Reset();
                    if (!proceed)
                    {
                        return;
                    }
                    break;

                default:
                    throw new InvalidOperationException("Unknown read status.");
            }
        }
    }

    /// <summary>
    /// Moves an announced APPEND literal (<see cref="ImapReadStatus.SpoolLiteral"/>) from the connection into a new
    /// file of the store's <c>tmp/</c> directory as it arrives, so memory stays flat whatever its size. The store's
    /// size limit applies while it streams (<see cref="Store.MessageUpload.TooBig"/>: the rest is read and dropped, the
    /// command then gets <c>NO [TOOBIG]</c>). Returns false when the connection ended mid-literal; the file is then
    /// removed with the reader's state (<see cref="ImapCommandReader.Reset"/>).
    /// </summary>
    private async ValueTask<bool> SpoolLiteralAsync(CancellationTokenSource idleTimer, CancellationToken cancellationToken)
    {
        var remaining = _commandReader.SpoolLength;
        var upload = Account!.CreateUpload();
        _commandReader.Spooled(upload);
        if (_commandReader.SpoolSynchronizing)
        {
            Out.Raw("+ Ready for literal data\r\n"u8);
            await Out.FlushAsync(cancellationToken);
        }
        while (remaining > 0)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var take = Math.Min(remaining, buffer.Length);
            foreach (var segment in buffer.Slice(0, take))
            {
                await upload.WriteAsync(segment, cancellationToken);
            }
            remaining -= take;
            _reader.AdvanceTo(buffer.GetPosition(take));
            if (remaining > 0 && result.IsCompleted)
            {
                return false;
            }
            // Receiving literal data is activity (RFC 9051 §5.4 autologout counts idle time only).
            if (idleTimer.TryReset())
            {
                idleTimer.CancelAfter(Server.Options.IdleTimeout);
            }
        }
        return true;
    }

    private async ValueTask<bool> RejectAsync(CancellationToken cancellationToken)
    {
        var reason = _commandReader.RejectReason;
        ImapLog.Rejected(Logger, Id, reason);
        var tag = _commandReader.Tag.Length > 0 ? _commandReader.Tag.ToArray() : "*"u8.ToArray();
        switch (reason)
        {
            case ImapRejectReason.NonSynchronizingLiteralTooLarge:
                Out.Raw("* BYE [TOOBIG] Literal exceeds the size limit\r\n"u8);
                await Out.FlushAsync(cancellationToken);
                return false;
            case ImapRejectReason.LiteralTooLarge:
                Out.Raw(tag).Raw(" NO [TOOBIG] Literal exceeds the size limit\r\n"u8);
                break;
            case ImapRejectReason.NonSynchronizingLiteralOverLiteralMinus:
                Out.Raw(tag).Raw(" BAD [TOOBIG] Non-synchronizing literals are limited to 4096 octets (LITERAL-)\r\n"u8);
                break;
            case ImapRejectReason.LineTooLong:
                Out.Raw(tag).Raw(" BAD Command line too long\r\n"u8);
                break;
            default:
                Out.Raw(tag).Raw(" BAD Command too long\r\n"u8);
                break;
        }
        var proceed = CountBadCommand();
        if (!proceed)
        {
            Out.Raw("* BYE Too many invalid commands\r\n"u8);
        }
        await Out.FlushAsync(cancellationToken);
        return proceed;
    }

    private bool CountBadCommand() =>
        State != ImapState.NotAuthenticated || ++_badCommands <= Server.Options.Limits.MaxBadCommandsBeforeLogin;

    private async ValueTask<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        var parsed = Parse(out var tag, out var command);
        if (parsed is not null)
        {
            // Syntax or state error: BAD, no execution.
            WriteTagged(tag, parsed);
            var proceed = CountBadCommand();
            if (!proceed)
            {
                Out.Raw("* BYE Too many invalid commands\r\n"u8);
            }
            await Out.FlushAsync(cancellationToken);
            return proceed;
        }

        var limit = Server.Options.Limits.MaxCommandsPerConnection;
        if (limit > 0 && ++_commandCount > limit)
        {
            ImapLog.Rejected(Logger, Id, ImapRejectReason.TooManyCommands);
            Out.Raw("* BYE Too many commands on this connection\r\n"u8);
            await Out.FlushAsync(cancellationToken);
            return false;
        }

        ImapCommandResult result;
        try
        {
            result = await RevokedSelectionAsync(command!.Name, cancellationToken) ?? await command.ExecuteAsync(this, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DirectoryUnavailableException ex)
        {
            ImapLog.CommandError(Logger, Id, command!.Name, ex);
            result = ImapCommandResult.No("Directory temporarily unavailable", "UNAVAILABLE");
        }
        catch (Exception ex) when (ex is not (IOException or System.Net.Sockets.SocketException) || _socket.Connected)
        {
            // Our bug or a store failure: the command fails, the connection survives (CONVENTIONS.md §6).
            ImapLog.CommandError(Logger, Id, command!.Name, ex);
            result = ImapCommandResult.No("Internal server error", "SERVERBUG");
        }

        if (result.Bye is not null)
        {
            Out.Raw("* BYE "u8).Ascii(result.Bye).Crlf();
            await Out.FlushAsync(cancellationToken);
            return false;
        }
        if (State == ImapState.Selected && !result.SkipSync)
        {
            await SyncAsync(command.AllowsExpunge, cancellationToken);
        }
        if (Notify is not null)
        {
            await WriteNotificationsAsync(cancellationToken);
        }
        if (result.Status != ImapCompletion.Ok)
        {
            ImapLog.CommandFailed(Logger, Id, command.Name, result.Text);
        }
        WriteTagged(tag, result);
        await Out.FlushAsync(cancellationToken);
        if (result.StartTls)
        {
            return await StartTlsAsync(cancellationToken);
        }
        if (result.StartCompression)
        {
            return await StartCompressionAsync();
        }
        return !result.Close;
    }

    private void WriteTagged(byte[] tag, ImapCommandResult result)
    {
        Out.Raw(tag).Raw(result.Status switch
        {
            ImapCompletion.Ok => " OK "u8,
            ImapCompletion.No => " NO "u8,
            ImapCompletion.Bad => " BAD "u8,
            _ => throw new InvalidOperationException("Unknown completion."),
        });
        if (result.Code is not null)
        {
            Out.Raw("["u8).Ascii(result.Code).Raw("] "u8);
        }
        Out.Ascii(result.Text).Crlf();
    }

    /// <summary>Parses tag, name and arguments. Returns null when the command may run, else the BAD/state error.</summary>
    private ImapCommandResult? Parse(out byte[] tag, out ImapCommand? command)
    {
        command = null;
        var t = new ImapTokenizer(_commandReader.Command, Server.Options.Limits.MaxNestingDepth, _commandReader.SpooledLiterals);
        if (!t.TryReadTag(out var tagSpan))
        {
            tag = "*"u8.ToArray();
            return ImapCommandResult.Bad("Missing or invalid tag");
        }
        tag = tagSpan.ToArray();
        CurrentTag = Encoding.ASCII.GetString(tag);
        if (!t.Space() || !t.TryReadAtom(out var verb))
        {
            return ImapCommandResult.Bad("Missing command");
        }
        var name = Encoding.ASCII.GetString(verb).ToUpperInvariant();
        if (name == "UID")
        {
            if (!t.Space() || !t.TryReadAtom(out var sub))
            {
                return ImapCommandResult.Bad("Missing UID command");
            }
            name = "UID " + Encoding.ASCII.GetString(sub).ToUpperInvariant();
        }
        TraceCommand(tag, name);

        if (!ImapCommandTable.TryCreate(name, out command))
        {
            return ImapCommandResult.Bad("Unknown command");
        }
        var allowed = ImapStateTable.AllowedStates(name);
        if ((allowed & State) == 0)
        {
            var text = State switch
            {
                ImapState.NotAuthenticated => "Log in first",
                ImapState.Authenticated when (allowed & ImapState.Selected) != 0 => "No mailbox selected",
                _ => "Command not valid in this state",
            };
            command = null;
            return ImapCommandResult.Bad(text);
        }
        if (!command.Parse(ref t, this) || !t.End())
        {
            var code = t.Reason == ImapRejectReason.NestingTooDeep ? "LIMIT" : null;
            command = null;
            return ImapCommandResult.Bad(t.Error ?? "Invalid arguments", code);
        }
        return null;
    }

    private void TraceCommand(byte[] tag, string name)
    {
        if (Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Trace))
        {
            // Redacted trace (CONVENTIONS.md §9): tag and command name only; arguments may hold secrets or message data.
            var line = Encoding.ASCII.GetString(tag) + " " + name + " ...";
            ImapLog.ClientLine(Logger, Id, line);
        }
    }

    /// <summary>
    /// Reads one line from the client inside a command (AUTHENTICATE response, IDLE's DONE),
    /// without its line break. Returns null when the line exceeds <see cref="ImapLimits.MaxLineOctets"/>
    /// or the connection ends.
    /// </summary>
    internal async ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var max = Server.Options.Limits.MaxLineOctets;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (buffer.Length > max || result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    return null;
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var line = buffer.Slice(0, lf.Value);
            var bytes = line.ToArray();
            _reader.AdvanceTo(buffer.GetPosition(1, lf.Value));
            var length = bytes.Length;
            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }
            return length > max ? null : bytes[..length];
        }
    }
}

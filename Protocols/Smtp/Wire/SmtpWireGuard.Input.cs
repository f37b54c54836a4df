using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.Channels;

namespace Mail.Protocols.Smtp.Wire;

internal sealed partial class SmtpWireGuard
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    // Sent to SmtpServer in place of refused DATA octets: the leading 'X' cannot combine with
    // octets already forwarded into an earlier CRLF.CRLF, so SmtpServer's DATA ends exactly here.
    private static ReadOnlySpan<byte> PoisonedEnd => "X\r\n.\r\n"u8;

    private PipeReader NewReader() => PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));

    private async Task RunInputAsync()
    {
        var cancellationToken = _closing.Token;
        PipeReader? reader = null;
        try
        {
            if (await NextReplyAsync(cancellationToken).ConfigureAwait(false) < 0)
            {
                return;
            }
            reader = NewReader();
            while (true)
            {
                var next = await RunCommandAsync(reader, cancellationToken).ConfigureAwait(false);
                if (next == InputStep.Stop)
                {
                    return;
                }
                if (next == InputStep.Upgrade)
                {
                    // Whatever the client pipelined after STARTTLS is dropped with the old reader (RFC 3207 §6).
                    await reader.CompleteAsync().ConfigureAwait(false);
                    reader = null;
                    if (!await _upgraded.Task.ConfigureAwait(false))
                    {
                        return;
                    }
                    reader = NewReader();
                }
            }
        }
        catch (TimeoutException)
        {
            SmtpInLog.IdleTimeout(_logger, Connection.Remote);
            await TryWriteClosingAsync(SmtpInReplies.Wire.IdleTimeout(_host)).ConfigureAwait(false);
            // Close now: whatever SmtpServer still says about the abandoned command must not follow the 421.
            await ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            SmtpInLog.ConnectionError(_logger, Connection.Remote, ex.Message);
        }
        catch (Exception ex)
        {
            SmtpInLog.GuardFailed(_logger, Connection.Remote, ex);
        }
        finally
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
            // SmtpServer sees the end of its input and ends the session, which disposes this guard.
            _toServer.Writer.Complete();
        }
    }

    private enum InputStep
    {
        Continue,
        Upgrade,
        Stop,
    }

    /// <summary>Reads one command line and runs it through SmtpServer (or answers it directly).</summary>
    private async Task<InputStep> RunCommandAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        byte[] line;
        var discarding = false;
        while (true)
        {
            var result = await ReadWithIdleTimeoutAsync(reader, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (result.IsCompleted)
                {
                    _closingReplySent = true;
                    return InputStep.Stop;
                }
                if (buffer.Length > _options.MaxCommandLineOctets + 1)
                {
                    // Drop what we have and keep dropping to the end of the line; answer then.
                    discarding = true;
                    reader.AdvanceTo(buffer.End);
                    continue;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var end = buffer.GetPosition(1, lf.Value);
            line = buffer.Slice(0, end).ToArray();
            reader.AdvanceTo(end);
            if (discarding || line.Length > _options.MaxCommandLineOctets + 2)
            {
                SmtpInLog.Rejected(_logger, Connection.Remote, SmtpInRejectReason.CommandLineTooLong);
                await WriteToClientAsync(SmtpInReplies.Wire.CommandTooLong, cancellationToken).ConfigureAwait(false);
                return InputStep.Continue;
            }
            break;
        }

        if (line.Length < 2 || line[^2] != (byte)'\r')
        {
            await WriteToClientAsync(SmtpInReplies.Wire.BareLineFeedInCommand, cancellationToken).ConfigureAwait(false);
            return InputStep.Continue;
        }
        var kind = Classify(line);
        if (_hook is not null)
        {
            var channel = new HookChannel(this, reader);
            if (await _hook.HandleAsync(kind, line, channel, cancellationToken).ConfigureAwait(false))
            {
                _closingReplySent |= channel.Closing;
                return channel.Closing ? InputStep.Stop : InputStep.Continue;
            }
        }
        if (kind is SmtpInCommandKind.Refused or SmtpInCommandKind.Auth)
        {
            await WriteToClientAsync(SmtpInReplies.Wire.NotImplemented, cancellationToken).ConfigureAwait(false);
            return InputStep.Continue;
        }

        _command = kind;
        await ForwardAsync(line, cancellationToken).ConfigureAwait(false);
        var code = await NextReplyAsync(cancellationToken).ConfigureAwait(false);
        if (code < 0)
        {
            return InputStep.Stop;
        }
        switch (kind)
        {
            case SmtpInCommandKind.Helo or SmtpInCommandKind.Ehlo when code == 250:
                Connection.HeloName = HeloArgument(line);
                Connection.Extended = kind == SmtpInCommandKind.Ehlo;
                return InputStep.Continue;
            case SmtpInCommandKind.Data when code == 354:
                return await RunDataAsync(reader, cancellationToken).ConfigureAwait(false);
            case SmtpInCommandKind.StartTls when code == 220:
                return InputStep.Upgrade;
            default:
                return InputStep.Continue;
        }
    }

    /// <summary>Streams one DATA section to SmtpServer through <see cref="SmtpDataScanner"/>.</summary>
    /// <remarks>
    /// SmtpServer 11.1 looks for <c>CRLF.CRLF</c> with a search that misses a terminator split across two
    /// of its reads or pipe segments (the session then hangs: seen with MailKit, which writes the final
    /// <c>.CRLF</c> on its own). So octets that may start the terminator are held back until the next
    /// read decides them, and the terminator itself is written as one contiguous span in one flush.
    /// </remarks>
    private async Task<InputStep> RunDataAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var scanner = new SmtpDataScanner(_options.MaxLineOctets, _options.MaxMessageOctets);
        // SmtpServer finds the end of data as CRLF.CRLF inside what it reads; this CRLF stands for the
        // DATA line's own, so an empty message and a first line starting with "." work (RFC 5321 §4.5.2).
        // It is held like any other partial terminator.
        var held = new HeldTerminator();
        held.Append(Crlf);
        while (!scanner.Complete)
        {
            var result = await ReadWithIdleTimeoutAsync(reader, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            foreach (var segment in buffer)
            {
                var used = scanner.Scan(segment.Span, out _);
                if (scanner.Rejection == SmtpInRejectReason.None)
                {
                    held.Forward(_toServer.Writer, segment.Span[..used], scanner.PartialTerminatorOctets);
                }
                consumed = buffer.GetPosition(used, consumed);
                if (scanner.Complete)
                {
                    break;
                }
            }
            reader.AdvanceTo(consumed, scanner.Complete ? consumed : buffer.End);
            if (!scanner.Complete)
            {
                if (result.IsCompleted)
                {
                    _closingReplySent = true;
                    return InputStep.Stop;
                }
                await _toServer.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        Connection.DataRejection = scanner.Rejection;
        if (scanner.Rejection != SmtpInRejectReason.None)
        {
            SmtpInLog.Rejected(_logger, Connection.Remote, scanner.Rejection);
            WriteContiguous(_toServer.Writer, PoisonedEnd);
        }
        else
        {
            // The held octets are exactly the terminator now.
            held.WriteAll(_toServer.Writer);
        }
        _command = SmtpInCommandKind.DataEnd;
        await _toServer.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await NextReplyAsync(cancellationToken).ConfigureAwait(false) < 0 ? InputStep.Stop : InputStep.Continue;
    }

    /// <summary>Writes <paramref name="data"/> into one pipe segment (it is at most a few octets).</summary>
    private static void WriteContiguous(PipeWriter writer, ReadOnlySpan<byte> data)
    {
        data.CopyTo(writer.GetSpan(data.Length));
        writer.Advance(data.Length);
    }

    /// <summary>
    /// The last octets of the DATA stream that may be the start of <c>CRLF.CRLF</c> (at most 5), kept
    /// back from SmtpServer until the following octets show whether they end the data.
    /// </summary>
    private sealed class HeldTerminator
    {
        private readonly byte[] _octets = new byte[5];
        private int _length;

        public void Append(ReadOnlySpan<byte> data)
        {
            data.CopyTo(_octets.AsSpan(_length));
            _length += data.Length;
        }

        /// <summary>
        /// Appends <paramref name="data"/> to the stream, writes all of it but the last
        /// <paramref name="keep"/> octets (the scanner's partial terminator) and holds those.
        /// </summary>
        public void Forward(PipeWriter writer, ReadOnlySpan<byte> data, int keep)
        {
            var total = _length + data.Length;
            var send = total - keep;
            var fromHeld = Math.Min(send, _length);
            if (fromHeld > 0)
            {
                writer.Write(_octets.AsSpan(0, fromHeld));
            }
            if (send > fromHeld)
            {
                writer.Write(data[..(send - fromHeld)]);
            }
            Span<byte> next = stackalloc byte[5];
            var fromData = Math.Min(keep, data.Length);
            var fromOld = keep - fromData;
            _octets.AsSpan(_length - fromOld, fromOld).CopyTo(next);
            data[^fromData..].CopyTo(next[fromOld..]);
            next[..keep].CopyTo(_octets);
            _length = keep;
        }

        /// <summary>Writes the held octets as one contiguous span.</summary>
        public void WriteAll(PipeWriter writer)
        {
            WriteContiguous(writer, _octets.AsSpan(0, _length));
            _length = 0;
        }
    }

    /// <summary>
    /// Reads one more line for a hook (an AUTH continuation, RFC 4954 §4): the line with its CRLF,
    /// or null when it is longer than <see cref="SmtpInOptions.MaxCommandLineOctets"/> or the client left.
    /// </summary>
    private async ValueTask<byte[]?> ReadHookLineAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await ReadWithIdleTimeoutAsync(reader, cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (result.IsCompleted || buffer.Length > _options.MaxCommandLineOctets + 1)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var end = buffer.GetPosition(1, lf.Value);
            var line = buffer.Slice(0, end).ToArray();
            reader.AdvanceTo(end);
            return line.Length > _options.MaxCommandLineOctets + 2 ? null : line;
        }
    }

    /// <summary>What a hook may do while the guard holds the connection: write replies, read continuation lines.</summary>
    private sealed class HookChannel(SmtpWireGuard guard, PipeReader reader) : ISmtpHookChannel
    {
        public SmtpInConnection Connection => guard.Connection;

        public bool IsSecure => guard.IsSecure;

        public Task WriteAsync(string reply, CancellationToken cancellationToken) => guard.WriteToClientAsync(reply, cancellationToken);

        public ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken) => guard.ReadHookLineAsync(reader, cancellationToken);

        public bool Closing { get; private set; }

        public void CloseAfterReply() => Closing = true;
    }

    private async Task ForwardAsync(byte[] line, CancellationToken cancellationToken)
    {
        _toServer.Writer.Write(line);
        await _toServer.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<int> NextReplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _replies.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return -1;
        }
    }

    private async ValueTask<ReadResult> ReadWithIdleTimeoutAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(_options.IdleTimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, cancellationToken);
        try
        {
            return await reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("SMTP client idle timeout.");
        }
    }

    private async Task TryWriteClosingAsync(string reply)
    {
        try
        {
            _closingReplySent = true;
            await WriteToClientAsync(reply, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            SmtpInLog.ConnectionError(_logger, Connection.Remote, ex.Message);
        }
    }

    /// <summary>The verb of a command line, case-insensitive (RFC 5321 §2.4).</summary>
    internal static SmtpInCommandKind Classify(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOfAny((byte)' ', (byte)'\r');
        var verb = space < 0 ? line : line[..space];
        return verb switch
        {
            _ when Ascii.EqualsIgnoreCase(verb, "HELO"u8) => SmtpInCommandKind.Helo,
            _ when Ascii.EqualsIgnoreCase(verb, "EHLO"u8) => SmtpInCommandKind.Ehlo,
            _ when Ascii.EqualsIgnoreCase(verb, "MAIL"u8) => SmtpInCommandKind.Mail,
            _ when Ascii.EqualsIgnoreCase(verb, "RCPT"u8) => SmtpInCommandKind.Rcpt,
            _ when Ascii.EqualsIgnoreCase(verb, "DATA"u8) => SmtpInCommandKind.Data,
            _ when Ascii.EqualsIgnoreCase(verb, "RSET"u8) => SmtpInCommandKind.Rset,
            _ when Ascii.EqualsIgnoreCase(verb, "NOOP"u8) => SmtpInCommandKind.Noop,
            _ when Ascii.EqualsIgnoreCase(verb, "QUIT"u8) => SmtpInCommandKind.Quit,
            _ when Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8) => SmtpInCommandKind.StartTls,
            _ when Ascii.EqualsIgnoreCase(verb, "AUTH"u8) => SmtpInCommandKind.Auth,
            _ when Ascii.EqualsIgnoreCase(verb, "PROXY"u8) => SmtpInCommandKind.Refused,
            _ => SmtpInCommandKind.Other,
        };
    }

    /// <summary>The HELO/EHLO argument as printable ASCII (anything else becomes '?'), for the Received header.</summary>
    private static string HeloArgument(ReadOnlySpan<byte> line)
    {
        var text = line.TrimEnd("\r\n"u8);
        var space = text.IndexOf((byte)' ');
        var argument = space < 0 ? [] : text[(space + 1)..].Trim((byte)' ');
        var chars = new char[Math.Min(argument.Length, 255)];
        for (var i = 0; i < chars.Length; i++)
        {
            var b = argument[i];
            chars[i] = b is > 32 and < 127 && b != (byte)'(' && b != (byte)')' ? (char)b : '?';
        }
        return new string(chars);
    }
}

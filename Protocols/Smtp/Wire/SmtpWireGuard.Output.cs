using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Mail.Protocols.Smtp.Wire;

internal sealed partial class SmtpWireGuard
{
    /// <summary>Moves SmtpServer's replies to the client, rewriting each line, and reports final reply codes to the input side.</summary>
    private async Task RunOutputAsync()
    {
        var reader = _fromServer.Reader;
        var codes = new List<int>();
        var outgoing = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                var buffer = result.Buffer;
                codes.Clear();
                outgoing.Clear();
                while (TryTakeLine(ref buffer, out var line))
                {
                    var command = _command;
                    var text = SmtpReplyRewriter.Rewrite(Utf8.GetString(line), command, _host);
                    System.Text.EncodingExtensions.GetBytes(Utf8, text, outgoing);
                    outgoing.Write(Crlf);
                    if (text.Length == 3 || (text.Length > 3 && text[3] == ' '))
                    {
                        var code = int.Parse(text.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
                        codes.Add(code);
                        if (code is 221 or 421)
                        {
                            _closingReplySent = true;
                        }
                    }
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (outgoing.WrittenCount > 0 && !_closing.IsCancellationRequested)
                {
                    await WriteToClientAsync(outgoing.WrittenMemory, _closing.Token).ConfigureAwait(false);
                }
                foreach (var code in codes)
                {
                    if (_command == SmtpInCommandKind.StartTls && code == 220)
                    {
                        _startTlsReplySent.TrySetResult();
                    }
                    _replies.Writer.TryWrite(code);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            SmtpInLog.ConnectionError(_logger, Connection.Remote, ex.Message);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _replies.Writer.TryComplete();
            _startTlsReplySent.TrySetResult();
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out byte[] line)
    {
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            line = [];
            return false;
        }
        var withLf = buffer.Slice(0, lf.Value).ToArray();
        line = withLf.Length > 0 && withLf[^1] == (byte)'\r' ? withLf[..^1] : withLf;
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return true;
    }
}

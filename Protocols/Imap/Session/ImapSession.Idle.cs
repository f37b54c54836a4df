using System.Buffers;
using System.Text;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>
    /// IDLE (RFC 2177, RFC 9051 §6.3.13): sends a continuation, then reports changes of the selected
    /// mailbox as they happen (EXISTS, EXPUNGE, FETCH FLAGS), and with NOTIFY the queued notifications (RFC 5465 §5), until
    /// the client sends <c>DONE</c>.
    /// The inactivity autologout still applies.
    /// </summary>
    internal async ValueTask<ImapCommandResult> IdleAsync(CancellationToken cancellationToken)
    {
        Out.Raw("+ idling\r\n"u8);
        await Out.FlushAsync(cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, InactivityToken);
        var read = _reader.ReadAsync(linked.Token).AsTask();
        while (true)
        {
            var changed = ChangeSignal;
            if (Selected?.IsDirty == true || NotificationsPending)
            {
                await SyncAsync(allowExpunge: true, cancellationToken);
                await WriteNotificationsAsync(cancellationToken);
                await Out.FlushAsync(cancellationToken);
                continue;
            }
            var done = await Task.WhenAny(read, changed);
            if (done != read)
            {
                continue;
            }
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await read;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ImapLog.Autologout(Logger, Id);
                return new ImapCommandResult(ImapCompletion.Ok, null, "") { Bye = "Autologout; idle for too long" };
            }
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (buffer.Length > Server.Options.Limits.MaxLineOctets || result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    return new ImapCommandResult(ImapCompletion.Bad, null, "") { Bye = "Line too long" };
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                read = _reader.ReadAsync(linked.Token).AsTask();
                continue;
            }
            var line = Encoding.ASCII.GetString(buffer.Slice(0, lf.Value)).TrimEnd('\r');
            _reader.AdvanceTo(buffer.GetPosition(1, lf.Value));
            return line.Equals("DONE", StringComparison.OrdinalIgnoreCase)
                ? ImapCommandResult.Ok("IDLE terminated")
                : ImapCommandResult.Bad("Expected DONE");
        }
    }
}

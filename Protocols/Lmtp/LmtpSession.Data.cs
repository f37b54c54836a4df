using Mail.Protocols.Smtp;
using Mail.Protocols.Smtp.Wire;

namespace Mail.Protocols.Lmtp;

internal sealed partial class LmtpSession
{
    /// <summary>
    /// Reads the DATA section after <c>354</c> up to <c>CRLF . CRLF</c> with the SMTP-in scanner
    /// (<see cref="SmtpDataScanner"/>: bare CR/LF refused, <see cref="LmtpOptions.MaxLineOctets"/>,
    /// <see cref="LmtpOptions.MaxMessageOctets"/>), removing the dot-stuffing (RFC 5321 §4.5.2).
    /// After a violation the rest is read and dropped, so the session stays in step with the client.
    /// </summary>
    /// <returns>The message octets (the CRLF before the final "." included), or the first violation.</returns>
    /// <exception cref="IOException">The connection ended inside the data.</exception>
    public async Task<(MemoryStream Message, SmtpInRejectReason Rejection)> ReadDataAsync(CancellationToken cancellationToken)
    {
        var scanner = new SmtpDataScanner(Options.MaxLineOctets, Options.MaxMessageOctets);
        var message = new MemoryStream();
        var atLineStart = true;
        while (!scanner.Complete)
        {
            var result = await ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.IsEmpty && result.IsCompleted)
            {
                throw new IOException("Connection closed inside DATA.");
            }
            var consumedTotal = 0L;
            foreach (var segment in buffer)
            {
                var span = segment.Span;
                var consumed = scanner.Scan(span, out var clean);
                if (scanner.Rejection == SmtpInRejectReason.None || clean > 0)
                {
                    atLineStart = Unstuff(span[..(scanner.Rejection == SmtpInRejectReason.None ? consumed : clean)], message, atLineStart);
                }
                consumedTotal += consumed;
                if (scanner.Complete)
                {
                    break;
                }
            }
            _reader!.AdvanceTo(buffer.GetPosition(consumedTotal));
            if (!scanner.Complete && result.IsCompleted)
            {
                throw new IOException("Connection closed inside DATA.");
            }
        }
        if (scanner.Rejection != SmtpInRejectReason.None)
        {
            await message.DisposeAsync();
            return (new MemoryStream(), scanner.Rejection);
        }
        // The terminator's "." was dropped as stuffing; its CRLF is not part of the message.
        message.SetLength(message.Length - 2);
        message.Position = 0;
        return (message, SmtpInRejectReason.None);
    }

    /// <summary>Copies <paramref name="data"/> without the "." that starts a line; returns whether the copy ends at a line start.</summary>
    private static bool Unstuff(ReadOnlySpan<byte> data, MemoryStream output, bool atLineStart)
    {
        while (!data.IsEmpty)
        {
            if (atLineStart && data[0] == (byte)'.')
            {
                data = data[1..];
                atLineStart = false;
                continue;
            }
            var lf = data.IndexOf((byte)'\n');
            var piece = lf < 0 ? data : data[..(lf + 1)];
            output.Write(piece);
            atLineStart = lf >= 0;
            data = data[piece.Length..];
        }
        return atLineStart;
    }
}

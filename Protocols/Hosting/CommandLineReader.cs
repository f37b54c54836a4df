using System.Buffers;

namespace Mail.Protocols.Hosting;

/// <summary>Outcome of <see cref="CommandLineReader.TryReadLine"/>.</summary>
internal enum CommandLineStatus
{
    /// <summary>No complete line yet; nothing consumed.</summary>
    NeedMore,
    /// <summary>A complete line within the limit.</summary>
    Line,
    /// <summary>A complete line over the limit (consumed).</summary>
    TooLong,
    /// <summary>Over the limit and no line end yet: everything consumed; keep discarding to the line end.</summary>
    TooLongPartial,
}

/// <summary>
/// Bytes → one command line, for the line-based protocols (POP3 RFC 1939 §3, LMTP RFC 2033 / SMTP
/// RFC 5321 §2.3.8). Lines end with CRLF; a bare LF is tolerated in commands (never in message data).
/// </summary>
internal static class CommandLineReader
{
    /// <summary>Takes one line off the front of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Received octets; advanced past what was consumed.</param>
    /// <param name="maxOctets">Longest line in octets, including its CRLF.</param>
    /// <param name="line">The line without CRLF (for <see cref="CommandLineStatus.Line"/>).</param>
    public static CommandLineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxOctets, out byte[] line)
    {
        line = [];
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length > maxOctets)
            {
                buffer = buffer.Slice(buffer.End);
                return CommandLineStatus.TooLongPartial;
            }
            return CommandLineStatus.NeedMore;
        }
        var next = buffer.GetPosition(1, lf.Value);
        var raw = buffer.Slice(0, next);
        buffer = buffer.Slice(next);
        if (raw.Length > maxOctets)
        {
            return CommandLineStatus.TooLong;
        }
        var bytes = raw.ToArray();
        var length = bytes.Length - 1;
        if (length > 0 && bytes[length - 1] == (byte)'\r')
        {
            length--;
        }
        line = bytes[..length];
        return CommandLineStatus.Line;
    }
}

using System.Buffers;
using System.Text;

namespace Mail.Protocols.Pop3;

/// <summary>Outcome of <see cref="Pop3Tokenizer.TryReadLine"/>.</summary>
internal enum Pop3LineStatus
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

/// <summary>A parsed command line (RFC 1939 §3): keyword and space-separated arguments.</summary>
/// <param name="Verb">Keyword, upper-cased ASCII; empty when the line has no valid keyword.</param>
/// <param name="Arguments">Arguments decoded as UTF-8.</param>
/// <param name="Rest">Everything after the first space (PASS takes spaces as part of the password, RFC 1939 §7).</param>
internal sealed record Pop3Request(string Verb, IReadOnlyList<string> Arguments, string Rest);

/// <summary>Bytes → lines → <see cref="Pop3Request"/>. Lines end with CRLF (a bare LF is tolerated in commands).</summary>
internal static class Pop3Tokenizer
{
    /// <summary>Takes one line off the front of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Received octets; advanced past what was consumed.</param>
    /// <param name="maxOctets">Longest line including its CRLF.</param>
    /// <param name="line">The line without CRLF (for <see cref="Pop3LineStatus.Line"/>).</param>
    public static Pop3LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxOctets, out byte[] line)
    {
        line = [];
        var lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (buffer.Length > maxOctets)
            {
                buffer = buffer.Slice(buffer.End);
                return Pop3LineStatus.TooLongPartial;
            }
            return Pop3LineStatus.NeedMore;
        }
        var next = buffer.GetPosition(1, lf.Value);
        var raw = buffer.Slice(0, next);
        buffer = buffer.Slice(next);
        if (raw.Length > maxOctets)
        {
            return Pop3LineStatus.TooLong;
        }
        var bytes = raw.ToArray();
        var length = bytes.Length - 1;
        if (length > 0 && bytes[length - 1] == (byte)'\r')
        {
            length--;
        }
        line = bytes[..length];
        return Pop3LineStatus.Line;
    }

    /// <summary>Splits a command line into keyword and arguments.</summary>
    public static Pop3Request Parse(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        var verb = keyword.Length is >= 3 and <= 8 && IsAsciiLetters(keyword) ? Encoding.ASCII.GetString(keyword).ToUpperInvariant() : "";
        if (space < 0)
        {
            return new Pop3Request(verb, [], "");
        }
        var rest = line[(space + 1)..];
        var arguments = new List<string>();
        foreach (var range in rest.Split((byte)' '))
        {
            if (range.End.GetOffset(rest.Length) > range.Start.GetOffset(rest.Length))
            {
                arguments.Add(Encoding.UTF8.GetString(rest[range]));
            }
        }
        return new Pop3Request(verb, arguments, Encoding.UTF8.GetString(rest));
    }

    private static bool IsAsciiLetters(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
            {
                return false;
            }
        }
        return true;
    }
}

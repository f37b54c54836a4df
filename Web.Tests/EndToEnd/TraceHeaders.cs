using System.Text;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>Compares a message a client got back with the one that was sent, allowing only the header fields delivery prepends.</summary>
public static class TraceHeaders
{
    /// <summary>
    /// The fields SMTP in prepends: the trace fields (RFC 5321 §4.4: <c>Return-Path</c>, <c>Received</c>) and the
    /// scan stage's verdict fields (<c>Protocols/Filtering/FilterHeaders.cs</c>; any <c>X-Spam-*</c> too).
    /// </summary>
    public static IReadOnlySet<string> Prepended { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Return-Path", "Received", "X-Spam-Flag", "X-Spam-Score", "X-Spam-Status", "X-Virus-Scanned", "X-Mail-Scan", "Authentication-Results",
    };

    /// <summary>
    /// Null when <paramref name="returned"/> is <paramref name="sent"/> with only <see cref="Prepended"/> header fields
    /// (each with its folded continuation lines) in front, at least one <c>Received</c>; otherwise why not.
    /// </summary>
    public static string? Mismatch(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> returned)
    {
        if (!returned.EndsWith(sent))
        {
            return $"not a suffix: {Describe(sent, returned)}";
        }
        var prefix = returned[..^sent.Length];
        var received = 0;
        var lineStart = 0;
        var fieldName = "";
        while (lineStart < prefix.Length)
        {
            var end = prefix[lineStart..].IndexOf("\r\n"u8);
            if (end < 0)
            {
                return "the prepended block does not end in CRLF";
            }
            var line = prefix.Slice(lineStart, end);
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                if (fieldName.Length == 0)
                {
                    return "the prepended block starts with a continuation line";
                }
            }
            else
            {
                var colon = line.IndexOf((byte)':');
                fieldName = colon > 0 ? Encoding.ASCII.GetString(line[..colon]) : "";
                if (fieldName.Equals("Received", StringComparison.OrdinalIgnoreCase))
                {
                    received++;
                }
                else if (!Prepended.Contains(fieldName) && !fieldName.StartsWith("X-Spam-", StringComparison.OrdinalIgnoreCase))
                {
                    return $"the prepended block has a field delivery does not add: {Printable(line)}";
                }
            }
            lineStart += end + 2;
        }
        return received > 0 ? null : "no Received header was prepended";
    }

    private static string Describe(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> returned)
    {
        // Align the ends and find the last differing byte, counted from the end of the sent message.
        var i = 0;
        while (i < sent.Length && i < returned.Length && sent[^(i + 1)] == returned[^(i + 1)])
        {
            i++;
        }
        var at = sent.Length - i - 1;
        var from = Math.Max(0, at - 40);
        var sentAround = Printable(sent.Slice(from, Math.Min(80, sent.Length - from)));
        var gotOffset = returned.Length - i - 1;
        var gotFrom = Math.Max(0, gotOffset - 40);
        var gotAround = gotOffset >= 0 ? Printable(returned.Slice(gotFrom, Math.Min(80, returned.Length - gotFrom))) : "";
        return $"sent {sent.Length} octets, got {returned.Length}; last difference at sent offset {at}: sent \"{sentAround}\" got \"{gotAround}\"";
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                < 32 or > 126 => $"\\x{b:x2}",
                _ => ((char)b).ToString(),
            });
        }
        return sb.ToString();
    }
}

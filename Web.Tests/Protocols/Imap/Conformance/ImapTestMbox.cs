using System.Globalization;
using System.Text;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>
/// The messages a script APPENDs, read from an mbox the way imaptest's mailbox-source-mbox.c does:
/// each message runs from after its <c>From </c> line up to the next one (the blank separator line
/// included), lines end in CRLF, and reading wraps to the start after the last message.
/// </summary>
public sealed class ImapTestMbox
{
    private readonly List<(string Text, DateTimeOffset Date)> _messages = [];
    private int _next;

    public ImapTestMbox(string path)
    {
        var lines = Encoding.Latin1.GetString(File.ReadAllBytes(path)).Split('\n');
        StringBuilder? current = null;
        var date = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (i == lines.Length - 1 && line.Length == 0)
            {
                break;
            }
            if (line.StartsWith("From ", StringComparison.Ordinal) && TryParseFromLine(line, out var next))
            {
                if (current is not null)
                {
                    _messages.Add((current.ToString(), date));
                }
                current = new StringBuilder();
                date = next;
                continue;
            }
            current?.Append(line).Append("\r\n");
        }
        if (current is not null)
        {
            _messages.Add((current.ToString(), date));
        }
        if (_messages.Count == 0)
        {
            throw new FormatException("Not a valid mbox file: " + path);
        }
    }

    /// <summary>All messages were taken once (the next one wraps to the first).</summary>
    public bool AtEnd => _next >= _messages.Count;

    /// <summary>The next message and its From-line date; wraps around.</summary>
    public (string Text, DateTimeOffset Date) Next()
    {
        var message = _messages[_next % _messages.Count];
        _next++;
        return message;
    }

    /// <summary>Parses <c>From sender Www Mmm dd hh:mm:ss yyyy [+zzzz]</c>.</summary>
    private static bool TryParseFromLine(string line, out DateTimeOffset date)
    {
        date = default;
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 7)
        {
            return false;
        }
        var text = string.Join(' ', parts[3], parts[4], parts[5], parts[6]);
        if (!DateTime.TryParseExact(text, "MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        var offset = TimeSpan.Zero;
        if (parts.Length > 7 && parts[7].Length == 5 && (parts[7][0] == '+' || parts[7][0] == '-')
            && int.TryParse(parts[7].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
        {
            offset = new TimeSpan(hhmm / 100, hhmm % 100, 0);
            if (parts[7][0] == '-')
            {
                offset = -offset;
            }
        }
        date = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>IMAP date-time (RFC 9051 §9 date-time), e.g. <c>22-Feb-2008 17:06:23 +0000</c>.</summary>
    public static string FormatDateTime(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }
}

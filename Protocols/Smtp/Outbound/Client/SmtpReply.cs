using System.Buffers;
using System.Text;

namespace Mail.Protocols.Smtp.Outbound.Client;

/// <summary>
/// One server reply (RFC 5321 §4.2): the three-digit code and the text of each line without the code and separator
/// (an enhanced status code, RFC 3463, stays at the start of the text).
/// </summary>
/// <param name="Code">200-599.</param>
/// <param name="Lines">The text of each line, at least one (possibly empty).</param>
internal sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>2yz: the command succeeded.</summary>
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>The lines' text joined with a space.</summary>
    public string Text => string.Join(' ', Lines);

    /// <summary><c>code text</c> on one line, as stored in the queue and quoted in DSNs.</summary>
    public override string ToString() => Text.Length == 0 ? Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Code} {Text}";
}

/// <summary>Why a reply could not be read (the connection is then unusable).</summary>
internal enum SmtpClientRejectReason
{
    None,
    /// <summary>A reply line longer than <see cref="SmtpReplyParser.MaxLineOctets"/>.</summary>
    ReplyLineTooLong,
    /// <summary>A reply of more than <see cref="SmtpReplyParser.MaxLines"/> lines.</summary>
    TooManyReplyLines,
    /// <summary>A line that does not start with three digits followed by a space, a hyphen or the end of line.</summary>
    MalformedReply,
    /// <summary>The lines of one multi-line reply carry different codes (RFC 5321 §4.2.1).</summary>
    InconsistentReplyCode,
    /// <summary>Octets after the 220 reply to STARTTLS, before the TLS handshake (a command injection, CVE-2011-0411).</summary>
    DataAfterStartTls,
    /// <summary>The server closed the connection.</summary>
    ConnectionClosed,
}

/// <summary>Reads server replies from bytes (RFC 5321 §4.2): CRLF lines (a bare LF is tolerated), <c>ddd-</c> continues.</summary>
internal static class SmtpReplyParser
{
    /// <summary>Longest reply line accepted, in octets with its line end (RFC 5321 §4.5.3.1.5 says 512; servers send more).</summary>
    public const int MaxLineOctets = 4096;

    /// <summary>Most lines in one reply (an EHLO reply lists one extension per line).</summary>
    public const int MaxLines = 128;

    /// <summary>
    /// Parses one complete reply from the start of <paramref name="buffer"/>. True with the reply and the buffer
    /// advanced past it; false when more octets are needed (<paramref name="rejection"/> is None) or the input is bad.
    /// </summary>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, out SmtpReply? reply, out SmtpClientRejectReason rejection)
    {
        reply = null;
        rejection = SmtpClientRejectReason.None;
        var reader = new SequenceReader<byte>(buffer);
        var lines = new List<string>();
        var code = -1;
        Span<byte> small = stackalloc byte[512];
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (reader.Remaining > MaxLineOctets)
                {
                    rejection = SmtpClientRejectReason.ReplyLineTooLong;
                }
                return false;
            }
            if (line.Length + 1 > MaxLineOctets)
            {
                rejection = SmtpClientRejectReason.ReplyLineTooLong;
                return false;
            }
            var bytes = line.Length <= small.Length ? small[..(int)line.Length] : new byte[line.Length];
            line.CopyTo(bytes);
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }
            if (bytes.Length < 3 || !char.IsAsciiDigit((char)bytes[0]) || !char.IsAsciiDigit((char)bytes[1]) || !char.IsAsciiDigit((char)bytes[2])
                || (bytes.Length > 3 && bytes[3] is not ((byte)' ' or (byte)'-')) || bytes[0] is < (byte)'2' or > (byte)'5')
            {
                rejection = SmtpClientRejectReason.MalformedReply;
                return false;
            }
            var lineCode = ((bytes[0] - '0') * 100) + ((bytes[1] - '0') * 10) + (bytes[2] - '0');
            if (code >= 0 && lineCode != code)
            {
                rejection = SmtpClientRejectReason.InconsistentReplyCode;
                return false;
            }
            code = lineCode;
            if (lines.Count == MaxLines)
            {
                rejection = SmtpClientRejectReason.TooManyReplyLines;
                return false;
            }
            // Reply text is ASCII, or UTF-8 after SMTPUTF8 (RFC 6531 §3.7.4); invalid octets become U+FFFD.
            lines.Add(bytes.Length > 4 ? Encoding.UTF8.GetString(bytes[4..]) : "");
            if (bytes.Length == 3 || bytes[3] == (byte)' ')
            {
                buffer = buffer.Slice(reader.Position);
                reply = new SmtpReply(code, lines);
                return true;
            }
        }
    }
}

using System.Buffers;
using System.Text;
using MimeKit.Utils;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// The header fields an MSA adds to a submitted message that lacks them (RFC 6409 §8.2 <c>Date</c>, §8.3
/// <c>Message-ID</c>; RFC 5322 §3.6 requires the first and asks for the second). Clients such as Python's
/// <c>smtplib.send_message</c> with a bare <c>EmailMessage</c> submit neither; without a Date the recipient's
/// reader shows no date, without a Message-ID replies cannot be threaded.
/// </summary>
internal static class SubmissionMissingFields
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private static readonly byte[] DateName = "date"u8.ToArray();
    private static readonly byte[] MessageIdName = "message-id"u8.ToArray();

    /// <summary>
    /// <c>Date: ...\r\n</c> and/or <c>Message-ID: &lt;...@host&gt;\r\n</c> for the fields missing from the header section of
    /// <paramref name="message"/> (the octets up to the first empty line, or all of them), or "" when both are there.
    /// </summary>
    /// <param name="message">The submitted octets, CRLF line ends (the wire guard refuses bare LF).</param>
    /// <param name="host">The right-hand side of a new Message-ID (<c>Mail:HostName</c>).</param>
    /// <param name="now">The new Date's value.</param>
    public static string For(ReadOnlySequence<byte> message, string host, DateTimeOffset now)
    {
        var (hasDate, hasMessageId) = Scan(message);
        if (hasDate && hasMessageId)
        {
            return "";
        }
        var text = new StringBuilder(128);
        if (!hasDate)
        {
            text.Append("Date: ").Append(SmtpInTraceHeaders.FormatDate(now)).Append("\r\n");
        }
        if (!hasMessageId)
        {
            text.Append("Message-ID: <").Append(MimeUtils.GenerateMessageId(host)).Append(">\r\n");
        }
        return text.ToString();
    }

    /// <summary>Whether the header section has a <c>Date</c> and a <c>Message-ID</c> field (names case-insensitive, RFC 5322 §2.2).</summary>
    public static (bool HasDate, bool HasMessageId) Scan(ReadOnlySequence<byte> message)
    {
        var hasDate = false;
        var hasMessageId = false;
        var reader = new SequenceReader<byte>(message);
        // Room for the longer name and the WSP RFC 5322 §4.5 (obs-optional) allows before the colon: "Message-ID :".
        Span<byte> start = stackalloc byte[MessageIdName.Length + 16];
        while (!(hasDate && hasMessageId))
        {
            ReadOnlySequence<byte> line;
            if (!reader.TryReadTo(out line, Crlf))
            {
                // The last line has no CRLF: it still counts if it is a field.
                line = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }
            if (line.IsEmpty)
            {
                break;
            }
            var head = start[..(int)Math.Min(line.Length, start.Length)];
            line.Slice(0, head.Length).CopyTo(head);
            hasDate |= IsField(head, DateName);
            hasMessageId |= IsField(head, MessageIdName);
            if (reader.End)
            {
                break;
            }
        }
        return (hasDate, hasMessageId);
    }

    /// <summary>True when <paramref name="head"/> starts with <paramref name="name"/> followed by optional WSP and a colon.</summary>
    private static bool IsField(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        if (head.Length <= name.Length || !Ascii.EqualsIgnoreCase(head[..name.Length], name))
        {
            return false;
        }
        foreach (var b in head[name.Length..])
        {
            if (b == (byte)':')
            {
                return true;
            }
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return false;
            }
        }
        return false;
    }
}

using System.Text;

namespace Mail.Protocols.Imap.Mime;

/// <summary>The text part of a section specifier (RFC 9051 §6.4.5).</summary>
public enum ImapSectionText
{
    /// <summary>The whole part (or message for an empty specifier).</summary>
    None,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}

/// <summary>A parsed section specifier <c>[1.2.HEADER.FIELDS (SUBJECT)]</c>.</summary>
/// <param name="Part">Part numbers (empty for the top-level message).</param>
/// <param name="Text">Which text of the part.</param>
/// <param name="Fields">Header field names for HEADER.FIELDS(.NOT).</param>
public sealed record ImapSection(int[] Part, ImapSectionText Text, string[] Fields)
{
    /// <summary>The specifier as echoed in the FETCH response (inside the brackets).</summary>
    public string Label
    {
        get
        {
            var sb = new StringBuilder();
            sb.AppendJoin('.', Part);
            var text = Text switch
            {
                ImapSectionText.None => "",
                ImapSectionText.Header => "HEADER",
                ImapSectionText.HeaderFields => "HEADER.FIELDS",
                ImapSectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT",
                ImapSectionText.Text => "TEXT",
                ImapSectionText.Mime => "MIME",
                _ => throw new InvalidOperationException("Unknown section text."),
            };
            if (text.Length > 0)
            {
                if (Part.Length > 0)
                {
                    sb.Append('.');
                }
                sb.Append(text);
            }
            if (Fields.Length > 0)
            {
                sb.Append(" (").AppendJoin(' ', Fields).Append(')');
            }
            return sb.ToString();
        }
    }

    /// <summary>
    /// The octets of this section of <paramref name="message"/>, or null when the part does not exist
    /// (or HEADER/TEXT is asked of a part that is not message/rfc822).
    /// </summary>
    public ReadOnlyMemory<byte>? Extract(ImapMessageStructure structure, ReadOnlyMemory<byte> message)
    {
        var msg = structure.Root;
        ImapPartNode? part = null;
        if (Part.Length > 0)
        {
            var node = msg.Body;
            var atMessageBody = true;
            for (var i = 0; i < Part.Length; i++)
            {
                var p = Part[i];
                if (node.IsMultipart)
                {
                    if (p < 1 || p > node.Children.Count)
                    {
                        return null;
                    }
                    node = node.Children[p - 1];
                }
                else if (!(atMessageBody && p == 1))
                {
                    return null;
                }
                atMessageBody = false;
                if (i < Part.Length - 1 && node.Message is not null)
                {
                    msg = node.Message;
                    node = msg.Body;
                    atMessageBody = true;
                }
            }
            part = node;
        }

        switch (Text)
        {
            case ImapSectionText.None:
                return part is null ? Slice(message, msg.HeaderStart, msg.End) : Slice(message, part.BodyStart, part.End);
            case ImapSectionText.Mime:
                return part is null ? null : Slice(message, part.HeaderStart, part.BodyStart);
            default:
                if (part is not null)
                {
                    if (part.Message is null)
                    {
                        return null;
                    }
                    msg = part.Message;
                }
                if (Text == ImapSectionText.Text)
                {
                    return Slice(message, msg.BodyStart, msg.End);
                }
                var header = Slice(message, msg.HeaderStart, msg.BodyStart);
                return Text == ImapSectionText.Header ? header : FilterHeader(header.Span, Fields, Text == ImapSectionText.HeaderFieldsNot);
        }
    }

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> message, long start, long end)
    {
        start = Math.Clamp(start, 0, message.Length);
        end = Math.Clamp(end, start, message.Length);
        return message[(int)start..(int)end];
    }

    /// <summary>
    /// The header fields whose names are (or with <paramref name="exclude"/>, are not) in
    /// <paramref name="fields"/>, each with its original octets and continuation lines, followed by
    /// the blank line (RFC 9051 §6.4.5 HEADER.FIELDS).
    /// </summary>
    public static byte[] FilterHeader(ReadOnlySpan<byte> header, IReadOnlyList<string> fields, bool exclude)
    {
        var output = new List<byte>(header.Length);
        var pos = 0;
        while (pos < header.Length)
        {
            // One field: its first line and every following line starting with SP/HT.
            var start = pos;
            var lineEnd = header[pos..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                break;
            }
            if (lineEnd == 0 || (lineEnd == 1 && header[pos] == (byte)'\r'))
            {
                break; // the blank line ending the header
            }
            pos += lineEnd + 1;
            while (pos < header.Length && header[pos] is (byte)' ' or (byte)'\t')
            {
                var next = header[pos..].IndexOf((byte)'\n');
                pos = next < 0 ? header.Length : pos + next + 1;
            }
            var field = header[start..pos];
            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = Encoding.ASCII.GetString(field[..colon].TrimEnd(" \t"u8));
            var listed = fields.Any(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (listed != exclude)
            {
                output.AddRange(field);
            }
        }
        output.Add((byte)'\r');
        output.Add((byte)'\n');
        return [.. output];
    }
}

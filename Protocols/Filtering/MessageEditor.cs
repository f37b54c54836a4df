using System.Text;

namespace Mail.Protocols.Filtering;

/// <summary>
/// Applies <see cref="MessageEdit"/>s to a message: the header section is split into fields (a field is its first
/// line and its continuation lines, CRLF included), edited, and joined again in front of the body (replaced or
/// as received). Field names are compared case-insensitively (RFC 5322 §1.2.2). Values are written as
/// <c>Name: value</c> with any bare LF turned into CRLF, so a milter's folded value stays a valid field.
/// </summary>
public static class MessageEditor
{
    /// <summary>The edited message. Cost: one pass over the header and one copy of the message.</summary>
    public static byte[] Apply(ScanMessage message, IEnumerable<MessageEdit> edits)
    {
        var octets = new byte[message.Length];
        var at = 0;
        foreach (var segment in message.Segments())
        {
            segment.Span.CopyTo(octets.AsSpan(at));
            at += segment.Length;
        }
        var (fields, bodyStart) = SplitHeader(octets);
        ReadOnlyMemory<byte> body = bodyStart < 0 ? ReadOnlyMemory<byte>.Empty : octets.AsMemory(bodyStart);
        foreach (var edit in edits)
        {
            switch (edit.Kind)
            {
                case MessageEditKind.AddHeader:
                    fields.Add(Field(edit.Name, edit.Value));
                    break;
                case MessageEditKind.InsertHeader:
                    fields.Insert(Math.Clamp(edit.Index, 0, fields.Count), Field(edit.Name, edit.Value));
                    break;
                case MessageEditKind.ChangeHeader:
                    Change(fields, edit);
                    break;
                case MessageEditKind.ReplaceBody:
                    body = edit.Body ?? ReadOnlyMemory<byte>.Empty;
                    break;
            }
        }
        var output = new MemoryStream(octets.Length + 1024);
        foreach (var field in fields)
        {
            output.Write(field.Span);
        }
        if (bodyStart >= 0 || !body.IsEmpty)
        {
            output.Write("\r\n"u8);
            output.Write(body.Span);
        }
        return output.ToArray();
    }

    private static void Change(List<ReadOnlyMemory<byte>> fields, MessageEdit edit)
    {
        var seen = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            if (!IsNamed(fields[i].Span, edit.Name) || ++seen != Math.Max(1, edit.Index))
            {
                continue;
            }
            if (edit.Value.Length == 0)
            {
                fields.RemoveAt(i);
            }
            else
            {
                fields[i] = Field(edit.Name, edit.Value);
            }
            return;
        }
        if (edit.Value.Length > 0)
        {
            fields.Add(Field(edit.Name, edit.Value));
        }
    }

    private static bool IsNamed(ReadOnlySpan<byte> field, string name)
    {
        if (field.Length <= name.Length || field[name.Length] != (byte)':')
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            if (char.ToUpperInvariant((char)field[i]) != char.ToUpperInvariant(name[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static ReadOnlyMemory<byte> Field(string name, string value)
    {
        var text = new StringBuilder(name.Length + value.Length + 4).Append(name).Append(": ");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r')
            {
                continue;
            }
            text.Append(c == '\n' ? "\r\n" : c);
        }
        text.Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The fields (CRLF included) and the offset of the body after the empty line, or -1 when there is none.</summary>
    private static (List<ReadOnlyMemory<byte>> Fields, int BodyStart) SplitHeader(byte[] octets)
    {
        var fields = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        var position = 0;
        while (position < octets.Length)
        {
            var lf = Array.IndexOf(octets, (byte)'\n', position);
            var lineEnd = lf < 0 ? octets.Length : lf + 1;
            var lineLength = lineEnd - position;
            var empty = lineLength <= 2 && (lineLength == 1 || octets[position] == (byte)'\r') && lf >= 0;
            if (empty)
            {
                if (position > start)
                {
                    fields.Add(octets.AsMemory(start, position - start));
                }
                return (fields, lineEnd);
            }
            var continuation = position > start && octets[position] is (byte)' ' or (byte)'\t';
            if (!continuation && position > start)
            {
                fields.Add(octets.AsMemory(start, position - start));
                start = position;
            }
            position = lineEnd;
        }
        if (position > start)
        {
            fields.Add(octets.AsMemory(start, position - start));
        }
        return (fields, -1);
    }
}

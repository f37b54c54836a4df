using System.Text;
using MimeKit;

namespace Mail.Protocols.Store;

/// <summary>The searchable text of one message: decoded header fields and decoded text parts.</summary>
/// <param name="Headers">One <c>Field: value</c> line per header field (RFC 2047 words decoded), top-level message and body entity.</param>
/// <param name="Body">The text of every text/* part (transfer encoding and charset undone), also inside attached messages.</param>
/// <param name="Sort">The SORT keys of the top-level header (RFC 5256 §3), taken from the same parse; null when unknown.</param>
internal sealed record MessageText(string Headers, string Body, MessageSortKeys? Sort = null);

/// <summary>
/// Extracts <see cref="MessageText"/> from stored octets with MimeKit, for the full-text index
/// (IMAP SEARCH BODY/TEXT, RFC 9051 §6.4.4). The same parts the file-based evaluation used: text/*
/// parts of the message and of message/rfc822 parts up to 8 levels deep.
/// </summary>
internal static class MessageTextExtractor
{
    private const int MaxDepth = 8;

    /// <summary>Encoded size up to which a text part is decoded whole (<see cref="TextPart.Text"/>), in octets: 1 MiB.</summary>
    private const long WholePartOctets = 1024 * 1024;

    /// <summary>Largest header section parsed whole, in octets: 1 MiB.</summary>
    private const int MaxHeaderOctets = 1024 * 1024;

    /// <summary>Reads the file at <paramref name="path"/>; text beyond <paramref name="maxChars"/> characters per column is not indexed.</summary>
    /// <returns>The text, or null when the file is gone.</returns>
    public static MessageText? Extract(string path, int maxChars)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        using (stream)
        {
            return Extract(stream, maxChars);
        }
    }

    /// <summary>
    /// Parses <paramref name="stream"/> (seekable; parts stay in it rather than in memory). A message whose header
    /// section does not end within <see cref="MaxHeaderOctets"/> is parsed from its first <see cref="MaxHeaderOctets"/>
    /// only, since MimeKit holds header fields in memory.
    /// </summary>
    public static MessageText Extract(Stream stream, int maxChars)
    {
        MimeMessage message;
        try
        {
            var start = stream.Position;
            var bounded = HeaderEndsWithin(stream, MaxHeaderOctets)
                ? stream
                : new MimeKit.IO.BoundStream(stream, start, start + MaxHeaderOctets, leaveOpen: true);
            stream.Position = start;
            message = MimeMessage.Load(bounded, persistent: true);
        }
        catch (FormatException)
        {
            return new MessageText("", "", MessageSortKeys.Empty);
        }
        var headers = new StringBuilder();
        var all = message.Body is null ? message.Headers : message.Headers.Concat(message.Body.Headers);
        foreach (var header in all)
        {
            if (headers.Length >= maxChars)
            {
                break;
            }
            headers.Append(header.Field).Append(": ").Append(header.Value).Append('\n');
        }
        var body = new StringBuilder();
        AppendText(message, body, 0, maxChars);
        return new MessageText(Cap(headers, maxChars), Cap(body, maxChars), MessageSortKeys.FromHeaders(message.Headers));
    }

    /// <summary>True when an empty line (the end of the header section) occurs in the next <paramref name="limit"/> octets, or the stream ends first.</summary>
    private static bool HeaderEndsWithin(Stream stream, int limit)
    {
        var buffer = new byte[16 * 1024];
        var previous = (byte)'\n';
        var lineStart = true;
        var total = 0;
        int read;
        while (total < limit && (read = stream.Read(buffer, 0, Math.Min(buffer.Length, limit - total))) > 0)
        {
            total += read;
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'\n')
                {
                    if (lineStart)
                    {
                        return true;
                    }
                    lineStart = true;
                }
                else if (b != (byte)'\r' || previous != (byte)'\n')
                {
                    lineStart = false;
                }
                previous = b;
            }
        }
        return total < limit;
    }

    private static string Cap(StringBuilder text, int maxChars) => text.Length > maxChars ? text.ToString(0, maxChars) : text.ToString();

    /// <summary>
    /// Appends the decoded text of a part to <paramref name="body"/>, up to <paramref name="maxChars"/> characters in all. A part whose encoded content fits in
    /// <see cref="WholePartOctets"/> is decoded whole by MimeKit (charset detection included); a larger one is streamed
    /// through its declared charset (UTF-8 when none) and only the first <paramref name="maxChars"/> characters are read,
    /// so indexing a huge message never holds more than that much of its text in memory.
    /// </summary>
    private static void AppendPartText(TextPart part, StringBuilder body, int maxChars)
    {
        var content = part.Content;
        if (content is null)
        {
            return;
        }
        var stream = content.Stream;
        if (stream is null || (stream.CanSeek && stream.Length <= WholePartOctets))
        {
            body.Append(part.Text);
            return;
        }
        var encoding = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
        using var decoded = content.Open();
        using var reader = new StreamReader(decoded, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        var buffer = new char[16 * 1024];
        int read;
        while (body.Length < maxChars && (read = reader.Read(buffer, 0, Math.Min(buffer.Length, maxChars - body.Length))) > 0)
        {
            body.Append(buffer, 0, read);
        }
    }

    private static void AppendText(MimeMessage message, StringBuilder body, int depth, int maxChars)
    {
        foreach (var part in message.BodyParts)
        {
            if (body.Length >= maxChars)
            {
                return;
            }
            if (part is TextPart text)
            {
                try
                {
                    AppendPartText(text, body, maxChars);
                }
                catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or DecoderFallbackException)
                {
                    continue;
                }
                // Parts are separated so that no indexed substring spans two of them.
                body.Append("\n\n");
            }
            else if (part is MessagePart { Message: { } inner } && depth < MaxDepth)
            {
                AppendText(inner, body, depth + 1, maxChars);
            }
        }
    }
}

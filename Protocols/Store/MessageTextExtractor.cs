using System.Text;
using MimeKit;

namespace Mail.Protocols.Store;

/// <summary>The searchable text of one message: decoded header fields and decoded text parts.</summary>
/// <param name="Headers">One <c>Field: value</c> line per header field (RFC 2047 words decoded), top-level message and body entity.</param>
/// <param name="Body">The text of every text/* part (transfer encoding and charset undone), also inside attached messages.</param>
internal sealed record MessageText(string Headers, string Body);

/// <summary>
/// Extracts <see cref="MessageText"/> from stored octets with MimeKit, for the full-text index
/// (IMAP SEARCH BODY/TEXT, RFC 9051 §6.4.4). The same parts the file-based evaluation used: text/*
/// parts of the message and of message/rfc822 parts up to 8 levels deep.
/// </summary>
internal static class MessageTextExtractor
{
    private const int MaxDepth = 8;

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

    /// <summary>Parses <paramref name="stream"/> (seekable; parts stay in it rather than in memory).</summary>
    public static MessageText Extract(Stream stream, int maxChars)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream, persistent: true);
        }
        catch (FormatException)
        {
            return new MessageText("", "");
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
        return new MessageText(Cap(headers, maxChars), Cap(body, maxChars));
    }

    private static string Cap(StringBuilder text, int maxChars) => text.Length > maxChars ? text.ToString(0, maxChars) : text.ToString();

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
                string value;
                try
                {
                    value = text.Text ?? "";
                }
                catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or DecoderFallbackException)
                {
                    continue;
                }
                // Parts are separated so that no indexed substring spans two of them.
                body.Append(value).Append("\n\n");
            }
            else if (part is MessagePart { Message: { } inner } && depth < MaxDepth)
            {
                AppendText(inner, body, depth + 1, maxChars);
            }
        }
    }
}

using System.Buffers;
using System.Text;
using Mail.Protocols.Imap.Protocol;
using MimeKit;
using MimeKit.Utils;

namespace Mail.Protocols.Imap.Mime;

/// <summary>
/// Renders ENVELOPE and BODY/BODYSTRUCTURE (RFC 9051 §7.5.2) from MimeKit's parse of a message.
/// Header values are the original octets, unfolded; 8-bit values become literals, or quoted strings for a session
/// with UTF-8 enabled (RFC 6855 §3, RFC 9051).
/// </summary>
internal sealed class ImapStructureRenderer
{
    private readonly OffsetRecorder _offsets;
    private readonly ReadOnlyMemory<byte> _message;

    public ImapStructureRenderer(OffsetRecorder offsets, ReadOnlyMemory<byte> message)
    {
        _offsets = offsets;
        _message = message;
    }

    public byte[] RenderEnvelope(HeaderList headers, bool utf8)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteEnvelope(new ImapResponseWriter(buffer) { Utf8 = utf8 }, headers);
        return buffer.WrittenSpan.ToArray();
    }

    public byte[] RenderBody(MimeMessage message, bool extensible, bool utf8)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ImapResponseWriter(buffer) { Utf8 = utf8 };
        if (message.Body is null)
        {
            WriteEmptyText(w);
        }
        else
        {
            WriteEntity(w, message.Body, extensible, 0);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEmptyText(ImapResponseWriter w) =>
        w.Raw("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)"u8);

    private void WriteEntity(ImapResponseWriter w, MimeEntity entity, bool extensible, int depth)
    {
        var (_, bodyStart, end, lines) = _offsets.Get(entity);
        var type = entity.ContentType;
        if (entity is Multipart multipart && depth < 64)
        {
            w.Raw("("u8);
            if (multipart.Count == 0)
            {
                WriteEmptyText(w);
            }
            foreach (var child in multipart)
            {
                WriteEntity(w, child, extensible, depth + 1);
            }
            w.Space().String(type.MediaSubtype);
            if (extensible)
            {
                w.Space();
                WriteParameters(w, entity, includeDefaultCharset: false);
                WriteExtensions(w, entity);
            }
            w.Raw(")"u8);
            return;
        }

        w.Raw("("u8).String(type.MediaType).Space().String(type.MediaSubtype).Space();
        WriteParameters(w, entity, includeDefaultCharset: type.IsMimeType("text", "plain"));
        w.Space();
        WriteRawHeader(w, entity.Headers, HeaderId.ContentId);
        w.Space();
        WriteRawHeader(w, entity.Headers, HeaderId.ContentDescription);
        w.Space();
        var encoding = RawValue(entity.Headers, HeaderId.ContentTransferEncoding);
        w.StringOctets(encoding is { Length: > 0 } ? encoding : "7BIT"u8);
        w.Space().Number(end - bodyStart);
        if (OffsetRecorder.IsEmbeddedMessage(entity) && depth < 64)
        {
            var inner = ((MessagePart)entity).Message!;
            w.Space();
            WriteEnvelope(w, inner.Headers);
            w.Space();
            if (inner.Body is null)
            {
                WriteEmptyText(w);
            }
            else
            {
                WriteEntity(w, inner.Body, extensible, depth + 1);
            }
            w.Space().Number(lines);
        }
        else if (type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            w.Space().Number(lines);
        }
        if (extensible)
        {
            w.Space();
            WriteRawHeader(w, entity.Headers, HeaderId.ContentMd5);
            WriteExtensions(w, entity);
        }
        w.Raw(")"u8);
    }

    /// <summary>Writes SP disposition SP language SP location (body-ext-1part / body-ext-mpart tail).</summary>
    private static void WriteExtensions(ImapResponseWriter w, MimeEntity entity)
    {
        w.Space();
        var disposition = entity.ContentDisposition;
        if (disposition is null)
        {
            w.Nil();
        }
        else
        {
            w.Raw("("u8).String(disposition.Disposition).Space();
            WriteParameterList(w, disposition.Parameters, null);
            w.Raw(")"u8);
        }
        w.Space();
        var language = entity.Headers[HeaderId.ContentLanguage];
        var languages = string.IsNullOrWhiteSpace(language)
            ? []
            : language.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (languages.Length == 0)
        {
            w.Nil();
        }
        else if (languages.Length == 1)
        {
            w.String(languages[0]);
        }
        else
        {
            w.Raw("("u8);
            for (var i = 0; i < languages.Length; i++)
            {
                if (i > 0)
                {
                    w.Space();
                }
                w.String(languages[i]);
            }
            w.Raw(")"u8);
        }
        w.Space();
        WriteRawHeader(w, entity.Headers, HeaderId.ContentLocation);
    }

    private static void WriteParameters(ImapResponseWriter w, MimeEntity entity, bool includeDefaultCharset)
    {
        var parameters = entity.ContentType.Parameters;
        string? defaultCharset = includeDefaultCharset && !parameters.Contains("charset") && !entity.Headers.Contains(HeaderId.ContentType) ? "us-ascii" : null;
        WriteParameterList(w, parameters, defaultCharset);
    }

    private static void WriteParameterList(ImapResponseWriter w, ParameterList parameters, string? defaultCharset)
    {
        if (parameters.Count == 0 && defaultCharset is null)
        {
            w.Nil();
            return;
        }
        w.Raw("("u8);
        var first = true;
        if (defaultCharset is not null)
        {
            w.Raw("\"charset\" "u8).String(defaultCharset);
            first = false;
        }
        foreach (var p in parameters)
        {
            if (!first)
            {
                w.Space();
            }
            w.String(p.Name).Space().String(p.Value ?? "");
            first = false;
        }
        w.Raw(")"u8);
    }

    private static void WriteRawHeader(ImapResponseWriter w, HeaderList headers, HeaderId id)
    {
        var value = RawValue(headers, id);
        if (value is null)
        {
            w.Nil();
        }
        else
        {
            w.StringOctets(value);
        }
    }

    /// <summary>The first header's raw value, unfolded and trimmed; null when absent.</summary>
    private static byte[]? RawValue(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        return index < 0 ? null : Unfold(headers[index].RawValue);
    }

    private static byte[]? RawValue(HeaderList headers, string name)
    {
        var index = headers.IndexOf(name);
        return index < 0 ? null : Unfold(headers[index].RawValue);
    }

    private static byte[] Unfold(byte[] raw)
    {
        var result = new byte[raw.Length];
        var n = 0;
        foreach (var b in raw)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                result[n++] = b;
            }
        }
        var span = result.AsSpan(0, n).Trim(" \t"u8);
        return span.ToArray();
    }

    private static void WriteEnvelope(ImapResponseWriter w, HeaderList headers)
    {
        w.Raw("("u8);
        WriteNString(w, RawValue(headers, HeaderId.Date));
        w.Space();
        WriteNString(w, RawValue(headers, HeaderId.Subject));
        var from = RawValue(headers, HeaderId.From);
        w.Space();
        WriteAddresses(w, from);
        w.Space();
        WriteAddresses(w, RawValue(headers, HeaderId.Sender) is { Length: > 0 } sender ? sender : from);
        w.Space();
        WriteAddresses(w, RawValue(headers, HeaderId.ReplyTo) is { Length: > 0 } replyTo ? replyTo : from);
        w.Space();
        WriteAddresses(w, RawValue(headers, HeaderId.To));
        w.Space();
        WriteAddresses(w, RawValue(headers, HeaderId.Cc));
        w.Space();
        WriteAddresses(w, RawValue(headers, HeaderId.Bcc));
        w.Space();
        WriteNString(w, RawValue(headers, HeaderId.InReplyTo));
        w.Space();
        WriteNString(w, RawValue(headers, "Message-ID"));
        w.Raw(")"u8);
    }

    private static void WriteNString(ImapResponseWriter w, byte[]? value)
    {
        if (value is null)
        {
            w.Nil();
        }
        else
        {
            w.StringOctets(value);
        }
    }

    private static void WriteAddresses(ImapResponseWriter w, byte[]? raw)
    {
        if (raw is not { Length: > 0 } || !InternetAddressList.TryParse(ParserOptions.Default, raw, out var list) || list.Count == 0)
        {
            w.Nil();
            return;
        }
        w.Raw("("u8);
        foreach (var address in list)
        {
            WriteAddress(w, address, 0);
        }
        w.Raw(")"u8);
    }

    private static void WriteAddress(ImapResponseWriter w, InternetAddress address, int depth)
    {
        if (address is MailboxAddress mailbox)
        {
            w.Raw("("u8);
            WritePhrase(w, mailbox.Name);
            w.Space();
            if (mailbox.Route.Count > 0)
            {
                w.String(string.Join(',', mailbox.Route.Select(r => "@" + r)));
            }
            else
            {
                w.Nil();
            }
            w.Space().String(mailbox.LocalPart).Space().String(mailbox.Domain ?? "").Raw(")"u8);
        }
        else if (address is GroupAddress group && depth == 0)
        {
            // RFC 9051 §7.5.2: group start (NIL NIL name NIL), members, group end (NIL NIL NIL NIL).
            w.Raw("(NIL NIL "u8);
            w.String(group.Name ?? "");
            w.Raw(" NIL)"u8);
            foreach (var member in group.Members)
            {
                WriteAddress(w, member, depth + 1);
            }
            w.Raw("(NIL NIL NIL NIL)"u8);
        }
    }

    private static void WritePhrase(ImapResponseWriter w, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            w.Nil();
            return;
        }
        if (Ascii.IsValid(name))
        {
            w.String(name);
            return;
        }
        // Non-ASCII display names go back as RFC 2047 encoded-words, as they came in the message.
        w.StringOctets(Rfc2047.EncodePhrase(Encoding.UTF8, name));
    }
}

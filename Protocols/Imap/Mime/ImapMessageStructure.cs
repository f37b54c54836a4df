using System.Buffers;
using Mail.Protocols.Imap.Protocol;
using MimeKit;

namespace Mail.Protocols.Imap.Mime;

/// <summary>A message (the top level or one inside a message/rfc822 part): octet offsets into the stored message.</summary>
/// <param name="HeaderStart">First octet of the header.</param>
/// <param name="BodyStart">First octet after the header and its blank line (RFC 9051 §6.4.5 HEADER ends here).</param>
/// <param name="End">Octet after the message.</param>
/// <param name="Body">The body entity.</param>
public sealed record ImapMessageNode(long HeaderStart, long BodyStart, long End, ImapPartNode Body);

/// <summary>One MIME entity: offsets of its MIME header and body; children for multipart, the inner message for message/rfc822.</summary>
public sealed record ImapPartNode(long HeaderStart, long BodyStart, long End, IReadOnlyList<ImapPartNode> Children, ImapMessageNode? Message)
{
    /// <summary>True for multipart/* entities.</summary>
    public bool IsMultipart { get; init; }
}

/// <summary>
/// The parsed structure of one stored message: exact octet offsets of every part (so BODY[section]
/// returns the original octets, RFC 9051 §6.4.5) and the pre-rendered ENVELOPE, BODY and
/// BODYSTRUCTURE (§7.5.2). Built once per message with MimeKit's <see cref="MimeParser"/> offset
/// events and cached by <see cref="ImapStructureCache"/>. Malformed MIME never throws: the message
/// is then described as one text/plain part.
/// </summary>
public sealed class ImapMessageStructure
{
    private ImapMessageStructure(ImapMessageNode root, byte[] envelope, byte[] body, byte[] bodyStructure)
        : this(root, envelope, body, bodyStructure, envelope, body, bodyStructure)
    {
    }

    private ImapMessageStructure(
        ImapMessageNode root, byte[] envelope, byte[] body, byte[] bodyStructure, byte[] envelopeUtf8, byte[] bodyUtf8, byte[] bodyStructureUtf8)
    {
        Root = root;
        Envelope = envelope;
        Body = body;
        BodyStructure = bodyStructure;
        // The same array when the message has no 8-bit header text (the common case), so the cache holds it once.
        EnvelopeUtf8 = envelopeUtf8.AsSpan().SequenceEqual(envelope) ? envelope : envelopeUtf8;
        BodyUtf8 = bodyUtf8.AsSpan().SequenceEqual(body) ? body : bodyUtf8;
        BodyStructureUtf8 = bodyStructureUtf8.AsSpan().SequenceEqual(bodyStructure) ? bodyStructure : bodyStructureUtf8;
    }

    public ImapMessageNode Root { get; }

    /// <summary>Rendered ENVELOPE value (a parenthesized list); 8-bit header text as literals.</summary>
    public byte[] Envelope { get; }

    /// <summary>Rendered BODY value (non-extensible BODYSTRUCTURE); 8-bit text as literals.</summary>
    public byte[] Body { get; }

    /// <summary>Rendered BODYSTRUCTURE value (with extension data); 8-bit text as literals.</summary>
    public byte[] BodyStructure { get; }

    /// <summary>
    /// ENVELOPE for a session with UTF-8 enabled (IMAP4rev2 or UTF8=ACCEPT, RFC 6855 §3): valid UTF-8 header text as
    /// quoted strings. Clients cap literals inside structures (MailKit: 4096 octets, then it drops the connection),
    /// so a long raw UTF-8 subject must not come as a literal to a client that can take it quoted.
    /// </summary>
    public byte[] EnvelopeUtf8 { get; }

    /// <summary>BODY for a session with UTF-8 enabled (see <see cref="EnvelopeUtf8"/>).</summary>
    public byte[] BodyUtf8 { get; }

    /// <summary>BODYSTRUCTURE for a session with UTF-8 enabled (see <see cref="EnvelopeUtf8"/>).</summary>
    public byte[] BodyStructureUtf8 { get; }

    /// <summary>Approximate memory held, in octets (cache accounting).</summary>
    public long Weight => Envelope.Length + Body.Length + BodyStructure.Length + 256
        + (ReferenceEquals(EnvelopeUtf8, Envelope) ? 0 : EnvelopeUtf8.Length)
        + (ReferenceEquals(BodyUtf8, Body) ? 0 : BodyUtf8.Length)
        + (ReferenceEquals(BodyStructureUtf8, BodyStructure) ? 0 : BodyStructureUtf8.Length);

    /// <summary>Parses <paramref name="message"/> (the exact stored octets).</summary>
    /// <exception cref="FormatException">MimeKit could not parse the message (callers use <see cref="Fallback"/>).</exception>
    public static ImapMessageStructure Parse(ReadOnlyMemory<byte> message)
    {
        var offsets = new OffsetRecorder();
        using var stream = AsStream(message);
        var parser = new MimeParser(ParserOptions.Default, stream, MimeFormat.Entity, persistent: true);
        parser.MimeMessageBegin += offsets.OnMessageBegin;
        parser.MimeMessageEnd += offsets.OnMessageEnd;
        parser.MimeEntityBegin += offsets.OnEntityBegin;
        parser.MimeEntityEnd += offsets.OnEntityEnd;
        MimeMessage mime;
        try
        {
            mime = parser.ParseMessage();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException("The message could not be parsed as MIME.", ex);
        }
        var root = offsets.BuildMessage(mime, message.Length);
        var renderer = new ImapStructureRenderer(offsets, message);
        return new ImapMessageStructure(
            root,
            renderer.RenderEnvelope(mime.Headers, utf8: false),
            renderer.RenderBody(mime, extensible: false, utf8: false),
            renderer.RenderBody(mime, extensible: true, utf8: false),
            renderer.RenderEnvelope(mime.Headers, utf8: true),
            renderer.RenderBody(mime, extensible: false, utf8: true),
            renderer.RenderBody(mime, extensible: true, utf8: true));
    }

    /// <summary>The structure of an unparseable message: one text/plain part after the first blank line.</summary>
    public static ImapMessageStructure Fallback(ReadOnlySpan<byte> message)
    {
        var blank = message.IndexOf("\r\n\r\n"u8);
        long bodyStart = blank < 0 ? message.Length : blank + 4;
        var part = new ImapPartNode(0, bodyStart, message.Length, [], null);
        var root = new ImapMessageNode(0, bodyStart, message.Length, part);
        var lines = message[(int)bodyStart..].Count((byte)'\n');
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ImapResponseWriter(buffer);
        w.Raw("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" "u8).Number(message.Length - bodyStart).Space().Number(lines);
        var body = buffer.WrittenSpan.ToArray();
        w.Raw(" NIL NIL NIL NIL)"u8);
        var bodyStructure = buffer.WrittenSpan.ToArray();
        body = [.. body, (byte)')'];
        return new ImapMessageStructure(root, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"u8.ToArray(), body, bodyStructure);
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> message) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(message.ToArray(), writable: false);
}

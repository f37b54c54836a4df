using MimeKit;

namespace Mail.Protocols.Imap.Mime;

/// <summary>Collects the octet offsets MimeKit reports while parsing, keyed by the entity/message objects.</summary>
internal sealed class OffsetRecorder
{
    private readonly Dictionary<object, long> _begin = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, (long HeadersEnd, long End, int Lines)> _end = new(ReferenceEqualityComparer.Instance);

    public void OnMessageBegin(object? sender, MimeMessageBeginEventArgs e) => _begin[e.Message] = e.BeginOffset;

    public void OnMessageEnd(object? sender, MimeMessageEndEventArgs e) => _end[e.Message] = (e.HeadersEndOffset, e.EndOffset, 0);

    public void OnEntityBegin(object? sender, MimeEntityBeginEventArgs e) => _begin[e.Entity] = e.BeginOffset;

    public void OnEntityEnd(object? sender, MimeEntityEndEventArgs e) => _end[e.Entity] = (e.HeadersEndOffset, e.EndOffset, e.Lines);

    /// <summary>Header start, body start, end and body line count of an entity or message (zeros when unknown).</summary>
    public (long Begin, long BodyStart, long End, int Lines) Get(object item)
    {
        var begin = _begin.GetValueOrDefault(item);
        var (headersEnd, end, lines) = _end.GetValueOrDefault(item);
        if (end < begin)
        {
            end = begin;
        }
        if (headersEnd < begin || headersEnd > end)
        {
            headersEnd = end;
        }
        return (begin, headersEnd, end, lines);
    }

    /// <summary>True for message/rfc822 and message/global parts (RFC 9051 body-type-msg).</summary>
    public static bool IsEmbeddedMessage(MimeEntity entity) =>
        entity is MessagePart { Message: not null } && entity.ContentType.IsMimeType("message", "rfc822")
        || entity is MessagePart { Message: not null } && entity.ContentType.IsMimeType("message", "global");

    public ImapMessageNode BuildMessage(MimeMessage message, long length)
    {
        var (begin, bodyStart, end, _) = Get(message);
        if (end == 0 && begin == 0)
        {
            end = length;
            bodyStart = length;
        }
        var body = message.Body is null
            ? new ImapPartNode(bodyStart, bodyStart, end, [], null)
            : BuildPart(message.Body);
        return new ImapMessageNode(begin, bodyStart, end, body);
    }

    private ImapPartNode BuildPart(MimeEntity entity)
    {
        var (begin, bodyStart, end, _) = Get(entity);
        if (entity is Multipart multipart)
        {
            var children = multipart.Select(BuildPart).ToList();
            return new ImapPartNode(begin, bodyStart, end, children, null) { IsMultipart = true };
        }
        if (IsEmbeddedMessage(entity))
        {
            var inner = BuildMessage(((MessagePart)entity).Message!, end);
            return new ImapPartNode(begin, bodyStart, end, [], inner);
        }
        return new ImapPartNode(begin, bodyStart, end, [], null);
    }
}

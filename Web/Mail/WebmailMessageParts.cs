using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>
/// Splits a parsed message into what the webmail shows: the text/plain and text/html bodies, the
/// inline parts an HTML body references by <c>cid:</c> (RFC 2392), and the attachments (everything else).
/// The attachment order is deterministic, so an index identifies one across requests.
/// </summary>
public sealed class WebmailMessageParts
{
    private readonly Dictionary<string, MimePart> _byContentId = new(StringComparer.Ordinal);
    private readonly List<MimeEntity> _attachments = [];

    private WebmailMessageParts(MimeMessage message)
    {
        foreach (var entity in message.BodyParts)
        {
            if (entity is TextPart text && !text.IsAttachment && (text.IsHtml || text.IsPlain))
            {
                if (text.IsHtml && HtmlBody is null)
                {
                    HtmlBody = text;
                    continue;
                }
                if (text.IsPlain && TextBody is null)
                {
                    TextBody = text;
                    continue;
                }
            }
            if (entity is MimePart part && !string.IsNullOrEmpty(part.ContentId))
            {
                _byContentId.TryAdd(part.ContentId, part);
            }
            _attachments.Add(entity);
        }
        if (HtmlBody is not null)
        {
            // Parts the HTML body shows inline are not listed as attachments (unless marked attachment).
            var html = HtmlBody.Text ?? "";
            _attachments.RemoveAll(e => e is MimePart p && !p.IsAttachment && !string.IsNullOrEmpty(p.ContentId)
                && html.Contains("cid:" + p.ContentId, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The first text/html body part that is not an attachment, if any.</summary>
    public TextPart? HtmlBody { get; private set; }

    /// <summary>The first text/plain body part that is not an attachment, if any.</summary>
    public TextPart? TextBody { get; private set; }

    /// <summary>Attachments in message order.</summary>
    public IReadOnlyList<MimeEntity> Attachments => _attachments;

    /// <summary>Analyses <paramref name="message"/>.</summary>
    public static WebmailMessageParts Of(MimeMessage message) => new(message);

    /// <summary>The part with Content-ID <paramref name="contentId"/> (without angle brackets), or null.</summary>
    public MimePart? FindByContentId(string contentId) =>
        _byContentId.TryGetValue(contentId.Trim('<', '>'), out var part) ? part : null;

    /// <summary>A file name for attachment <paramref name="index"/>: the part's name, else one made from its type.</summary>
    public static string FileNameOf(MimeEntity entity, int index)
    {
        var name = entity switch
        {
            MimePart part => part.FileName,
            _ => entity.ContentDisposition?.FileName ?? entity.ContentType.Name,
        };
        if (!string.IsNullOrWhiteSpace(name))
        {
            return Path.GetFileName(name.Replace('\\', '/')).Trim();
        }
        var extension = entity is MessagePart ? ".eml"
            : MimeTypes.TryGetExtension(entity.ContentType.MimeType, out var ext) ? ext : ".bin";
        return $"attachment-{index + 1}{extension}";
    }

    /// <summary>Writes the decoded content of <paramref name="entity"/> to <paramref name="output"/>.</summary>
    public static async Task WriteContentAsync(MimeEntity entity, Stream output, CancellationToken cancellationToken)
    {
        switch (entity)
        {
            case MimePart { Content: not null } part:
                await part.Content.DecodeToAsync(output, cancellationToken);
                break;
            case MessagePart { Message: not null } message:
                await message.Message.WriteToAsync(output, cancellationToken);
                break;
            default:
                // Multipart containers never reach the attachment list (BodyParts yields leaves only).
                break;
        }
    }

    /// <summary>Decoded size of <paramref name="entity"/> in octets.</summary>
    public static long SizeOf(MimeEntity entity)
    {
        // The message is already parsed in memory; decoding into a counter costs no I/O.
        using var counter = new CountingStream();
        switch (entity)
        {
            case MimePart { Content: not null } part:
                part.Content.DecodeTo(counter);
                break;
            case MessagePart { Message: not null } message:
                message.Message.WriteTo(counter);
                break;
            default:
                break;
        }
        return counter.Length;
    }

    /// <summary>A write-only stream that only counts octets.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}

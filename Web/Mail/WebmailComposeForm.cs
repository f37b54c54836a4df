namespace Mail.Web.Webmail;

/// <summary>What the composer was opened for.</summary>
public enum WebmailComposeMode
{
    /// <summary>A new, empty message.</summary>
    New,

    /// <summary>Reply to the sender (Reply-To, else From).</summary>
    Reply,

    /// <summary>Reply to the sender and every other recipient except the user.</summary>
    ReplyAll,

    /// <summary>Forward with the original quoted inline and its attachments kept.</summary>
    Forward,

    /// <summary>Forward with the original attached as <c>message/rfc822</c>.</summary>
    ForwardAsAttachment,
}

/// <summary>
/// The composer's fields as posted by the browser (<c>multipart/form-data</c>). Every header value is
/// untrusted text: <see cref="WebmailMessageComposer"/> builds the message with MimeKit, which parses
/// addresses and encodes header text, so CR/LF in any field can never start a new header.
/// </summary>
public sealed class WebmailComposeForm
{
    /// <summary>The From address (one of the user's identities).</summary>
    public string From { get; set; } = "";

    /// <summary>To recipients as typed: addresses separated by commas or semicolons, optionally with names.</summary>
    public string To { get; set; } = "";

    /// <summary>Cc recipients, same syntax as <see cref="To"/>.</summary>
    public string Cc { get; set; } = "";

    /// <summary>Bcc recipients, same syntax as <see cref="To"/>; never written into the sent message.</summary>
    public string Bcc { get; set; } = "";

    /// <summary>Subject line.</summary>
    public string Subject { get; set; } = "";

    /// <summary><c>html</c> for rich text (<see cref="Html"/> is the body), otherwise plain text (<see cref="Text"/>).</summary>
    public string Format { get; set; } = "text";

    /// <summary>Plain text body.</summary>
    public string Text { get; set; } = "";

    /// <summary>Rich text body as HTML from the editor; sanitized before use.</summary>
    public string Html { get; set; } = "";

    /// <summary>Message-ID this message replies to (<c>In-Reply-To</c>), angle brackets optional.</summary>
    public string InReplyTo { get; set; } = "";

    /// <summary><c>References</c> message-ids, whitespace separated.</summary>
    public string References { get; set; } = "";

    /// <summary>Mailbox of the message replied to (gets <c>\Answered</c> once sent).</summary>
    public string ReplyFolder { get; set; } = "";

    /// <summary>UID of the message replied to; 0 when none.</summary>
    public uint ReplyUid { get; set; }

    /// <summary>Drafts mailbox of the draft this form continues; empty when none.</summary>
    public string DraftFolder { get; set; } = "";

    /// <summary>UID of the draft this form continues (its attachments can be kept); 0 when none.</summary>
    public uint DraftUid { get; set; }

    /// <summary>Indexes (into the draft's attachment list) of the attachments to keep.</summary>
    public List<int> Keep { get; set; } = [];

    /// <summary>Requested delivery time for scheduled send, as the browser's local time <c>yyyy-MM-ddTHH:mm</c>.</summary>
    public string ScheduleAt { get; set; } = "";

    /// <summary>The browser's offset from UTC in minutes (JavaScript <c>getTimezoneOffset()</c>, positive west of UTC).</summary>
    public int TimezoneOffset { get; set; }

    /// <summary>True when the body is rich text.</summary>
    public bool IsHtml => string.Equals(Format, "html", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A file to attach: name as given, declared type, decoded content.</summary>
/// <param name="FileName">File name (path parts removed, control characters dropped by MimeKit's encoding).</param>
/// <param name="ContentType">Declared MIME type, or <c>application/octet-stream</c>.</param>
/// <param name="Content">Decoded bytes.</param>
public sealed record WebmailUpload(string FileName, string ContentType, byte[] Content);

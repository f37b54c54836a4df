using System.Globalization;
using System.Text;
using Ganss.Xss;
using MimeKit;
using MimeKit.Utils;

namespace Mail.Web.Webmail;

/// <summary>A built message and what is wrong with the form, if anything.</summary>
/// <param name="Message">The RFC 5322 message (with its Bcc header; remove it before submission).</param>
/// <param name="Recipients">Every envelope recipient (To, Cc and Bcc), without duplicates.</param>
/// <param name="Errors">Problems to show the user; empty when the message can be sent.</param>
public sealed record WebmailComposeResult(MimeMessage Message, IReadOnlyList<MailboxAddress> Recipients, IReadOnlyList<string> Errors);

/// <summary>
/// Builds outgoing messages from the composer's fields with MimeKit (never by string concatenation, so
/// header injection is impossible: addresses are parsed, header text is RFC 2047 encoded, and CR/LF and
/// other control characters in single-line fields are replaced by spaces), and prefills replies and
/// forwards (RFC 5322 §3.6.4 In-Reply-To/References, "Re:"/"Fwd:" subjects).
/// </summary>
public static class WebmailMessageComposer
{
    /// <summary>Most recipients one message may have (To + Cc + Bcc), like Submission's limit.</summary>
    public const int MaxRecipients = 100;

    private static readonly HtmlSanitizer s_composeSanitizer = CreateComposeSanitizer();

    /// <summary>
    /// Builds the message of <paramref name="form"/> from <paramref name="fromName"/> &lt;<paramref name="form"/>.From&gt;
    /// dated <paramref name="now"/>, with <paramref name="keptAttachments"/> (entities of an earlier draft or of a forwarded
    /// message) and <paramref name="uploads"/> attached.
    /// </summary>
    /// <param name="requireRecipients">True when sending (at least one recipient needed), false for a draft.</param>
    public static WebmailComposeResult Build(
        WebmailComposeForm form, string fromName, IReadOnlyList<MimeEntity> keptAttachments, IReadOnlyList<WebmailUpload> uploads,
        DateTimeOffset now, bool requireRecipients)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(keptAttachments);
        ArgumentNullException.ThrowIfNull(uploads);
        var errors = new List<string>();
        var message = new MimeMessage();

        if (!MailboxAddress.TryParse(OneLine(form.From), out var from) || !IsAddress(from.Address))
        {
            errors.Add("Choose a valid From address.");
            from = new MailboxAddress("", "invalid@invalid");
        }
        from.Name = OneLine(fromName);
        message.From.Add(from);

        var to = ParseAddresses(form.To, "To", errors);
        var cc = ParseAddresses(form.Cc, "Cc", errors);
        var bcc = ParseAddresses(form.Bcc, "Bcc", errors);
        message.To.AddRange(to);
        message.Cc.AddRange(cc);
        message.Bcc.AddRange(bcc);
        var recipients = to.Concat(cc).Concat(bcc)
            .DistinctBy(m => m.Address, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (requireRecipients && recipients.Count == 0)
        {
            errors.Add("Add at least one recipient.");
        }
        if (recipients.Count > MaxRecipients)
        {
            errors.Add($"A message can have at most {MaxRecipients} recipients.");
        }

        message.Subject = OneLine(form.Subject);
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(from.Domain is { Length: > 0 } d ? d : "localhost");
        var inReplyTo = MimeUtils.EnumerateReferences(form.InReplyTo ?? "").FirstOrDefault();
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
        }
        foreach (var reference in MimeUtils.EnumerateReferences(form.References ?? "").Take(100))
        {
            message.References.Add(reference);
        }

        var builder = new BodyBuilder();
        if (form.IsHtml)
        {
            var html = SanitizeComposedHtml(form.Html ?? "");
            builder.HtmlBody = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + html + "</body></html>";
            builder.TextBody = HtmlToPlainText(html);
        }
        else
        {
            builder.TextBody = NormalizeLineEnds(form.Text ?? "");
        }
        foreach (var kept in keptAttachments)
        {
            builder.Attachments.Add(kept);
        }
        foreach (var upload in uploads)
        {
            var type = ContentType.TryParse(upload.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            var part = new MimePart(type)
            {
                Content = new MimeContent(new MemoryStream(upload.Content, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = SafeFileName(upload.FileName),
            };
            builder.Attachments.Add(part);
        }
        message.Body = builder.ToMessageBody();
        return new WebmailComposeResult(message, recipients, errors);
    }

    /// <summary>Sanitizes HTML from the editor: formatting only (no scripts, handlers, forms, frames or remote resources).</summary>
    public static string SanitizeComposedHtml(string html) =>
        HtmlMailSanitizer.Sanitize(s_composeSanitizer.Sanitize(html), static _ => null).Html;

    /// <summary>The plain text alternative of a composed HTML body (<see cref="WebmailHtmlToText"/>).</summary>
    public static string HtmlToPlainText(string html)
    {
        return NormalizeLineEnds(WebmailHtmlToText.Convert(html)).TrimEnd() + "\n";
    }

    /// <summary>Parses a recipient field; groups are flattened, invalid entries reported in <paramref name="errors"/>.</summary>
    public static List<MailboxAddress> ParseAddresses(string? text, string field, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var result = new List<MailboxAddress>();
        if ((text ?? "").Any(char.IsControl))
        {
            errors.Add($"{field}: line breaks and control characters are not allowed in addresses.");
            return result;
        }
        var value = (text ?? "").Trim().Trim(',', ';').Trim();
        if (value.Length == 0)
        {
            return result;
        }
        if (!InternetAddressList.TryParse(value, out var list) && !InternetAddressList.TryParse(value.Replace(';', ','), out list))
        {
            errors.Add($"{field}: \"{Shorten(value)}\" is not a list of mail addresses.");
            return result;
        }
        foreach (var mailbox in list.Mailboxes)
        {
            if (!IsAddress(mailbox.Address))
            {
                errors.Add($"{field}: \"{Shorten(mailbox.ToString())}\" is not a mail address.");
                continue;
            }
            result.Add(new MailboxAddress(OneLine(mailbox.Name ?? ""), mailbox.Address));
        }
        return result;
    }

    /// <summary>Prefills a reply or forward of <paramref name="original"/> for <paramref name="userAddress"/>.</summary>
    /// <param name="ownAddresses">The user's addresses, left out of reply-all recipients.</param>
    /// <param name="richText">Quote into an HTML body (true) or plain text.</param>
    /// <param name="replyAbove">Leave room for the reply above the quote (true) or below it.</param>
    public static WebmailComposeForm Prefill(
        WebmailComposeMode mode, MimeMessage original, string folder, uint uid, string userAddress,
        IReadOnlyCollection<string> ownAddresses, bool richText, bool replyAbove)
    {
        ArgumentNullException.ThrowIfNull(original);
        var own = new HashSet<string>(ownAddresses, StringComparer.OrdinalIgnoreCase) { userAddress };
        var form = new WebmailComposeForm { From = userAddress, Format = richText ? "html" : "text" };
        var subject = original.Subject ?? "";
        if (mode is WebmailComposeMode.Reply or WebmailComposeMode.ReplyAll)
        {
            var replyTo = original.ReplyTo.Mailboxes.Any() ? original.ReplyTo.Mailboxes : original.From.Mailboxes;
            var to = replyTo.Where(m => !own.Contains(m.Address)).ToList();
            if (to.Count == 0)
            {
                // Replying to one's own message goes to its recipients, like Gmail does.
                to = [.. original.To.Mailboxes.Where(m => !own.Contains(m.Address))];
            }
            form.To = Join(to);
            if (mode == WebmailComposeMode.ReplyAll)
            {
                var cc = original.To.Mailboxes.Concat(original.Cc.Mailboxes)
                    .Where(m => !own.Contains(m.Address) && !to.Any(t => t.Address.Equals(m.Address, StringComparison.OrdinalIgnoreCase)))
                    .DistinctBy(m => m.Address, StringComparer.OrdinalIgnoreCase);
                form.Cc = Join(cc);
            }
            form.Subject = HasPrefix(subject, "re:") ? subject : "Re: " + subject;
            form.InReplyTo = original.MessageId is { Length: > 0 } id ? "<" + id + ">" : "";
            form.References = string.Join(' ', original.References.Select(r => "<" + r + ">")
                .Append(form.InReplyTo).Where(r => r.Length > 2).TakeLast(50));
            form.ReplyFolder = folder;
            form.ReplyUid = uid;
            var intro = string.Create(CultureInfo.InvariantCulture, $"On {original.Date:ddd, d MMM yyyy 'at' HH:mm}, {Describe(original.From)} wrote:");
            SetQuotedBody(form, original, intro, blockquote: true, replyAbove);
        }
        else
        {
            form.Subject = HasPrefix(subject, "fwd:") || HasPrefix(subject, "fw:") ? subject : "Fwd: " + subject;
            if (mode == WebmailComposeMode.Forward)
            {
                var intro = "---------- Forwarded message ----------\n"
                    + $"From: {Describe(original.From)}\n"
                    + string.Create(CultureInfo.InvariantCulture, $"Date: {original.Date:ddd, d MMM yyyy HH:mm zzz}\n")
                    + $"Subject: {original.Subject}\n"
                    + $"To: {Describe(original.To)}\n";
                SetQuotedBody(form, original, intro, blockquote: false, replyAbove: true);
            }
        }
        return form;
    }

    /// <summary>Appends the user's signature to an empty (new) body: "-- " line in plain text (RFC 3676 §4.3).</summary>
    public static void AddSignature(WebmailComposeForm form, string signature)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrWhiteSpace(signature))
        {
            return;
        }
        var text = NormalizeLineEnds(signature).TrimEnd();
        if (form.IsHtml)
        {
            form.Html = "<p><br></p><p>-- <br>" + Encode(text).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>" + form.Html;
        }
        else
        {
            form.Text = "\n\n-- \n" + text + "\n" + form.Text;
        }
    }

    private static void SetQuotedBody(WebmailComposeForm form, MimeMessage original, string intro, bool blockquote, bool replyAbove)
    {
        var parts = WebmailMessageParts.Of(original);
        var originalText = parts.TextBody?.Text;
        var originalHtml = parts.HtmlBody?.Text;
        if (form.IsHtml)
        {
            var quotedHtml = originalHtml is not null
                ? HtmlMailSanitizer.Sanitize(originalHtml, static _ => null).Html
                : "<div style=\"white-space:pre-wrap\">" + Encode(originalText ?? "") + "</div>";
            var introHtml = "<p>" + Encode(intro).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";
            var quote = blockquote ? introHtml + "<blockquote type=\"cite\">" + quotedHtml + "</blockquote>" : introHtml + quotedHtml;
            form.Html = replyAbove ? "<p><br></p>" + quote : quote + "<p><br></p>";
        }
        else
        {
            var text = NormalizeLineEnds(originalText ?? (originalHtml is null ? "" : HtmlToPlainText(originalHtml))).TrimEnd();
            var body = blockquote ? string.Join('\n', text.Split('\n').Select(l => l.Length == 0 || l[0] == '>' ? ">" + l : "> " + l)) : text;
            var quote = intro + "\n" + body + "\n";
            form.Text = replyAbove ? "\n\n" + quote : quote + "\n";
        }
    }

    private static HtmlSanitizer CreateComposeSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        return sanitizer;
    }

    /// <summary>Text safe for a single-line header: CR, LF and other control characters become spaces.</summary>
    public static string OneLine(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(char.IsControl))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString();
    }

    /// <summary>A file name without directories or control characters, at most 200 characters, never empty.</summary>
    public static string SafeFileName(string name)
    {
        var file = OneLine(name ?? "").Replace('\\', '/');
        file = file[(file.LastIndexOf('/') + 1)..].Trim();
        if (file.Length > 200)
        {
            file = file[^200..];
        }
        return file.Length == 0 ? "attachment" : file;
    }

    private static bool IsAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && address.Length <= 320 && !address.Any(c => char.IsControl(c) || c == ' ');
    }

    private static bool HasPrefix(string subject, string prefix) => subject.TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static string Join(IEnumerable<MailboxAddress> mailboxes) => string.Join(", ", mailboxes.Select(m => m.ToString()));

    private static string Describe(InternetAddressList list) =>
        string.Join(", ", list.Mailboxes.Select(m => string.IsNullOrWhiteSpace(m.Name) ? m.Address : $"{m.Name} <{m.Address}>"));

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;

    private static string NormalizeLineEnds(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}

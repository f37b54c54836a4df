using System.Globalization;
using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Hosting;
using Mail.Web.Outbox;
using Mail.Web.Settings;
using MailKit;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>An attachment listed in the composer; <see cref="Key"/> is <c>d</c>+index for one of the draft's, <c>s</c>+index for one of the forwarded message's, <c>o</c> for the forwarded message itself.</summary>
public sealed record WebmailComposeAttachment(string Key, string FileName, long Size);

/// <summary>Everything the composer page shows.</summary>
public sealed class WebmailComposeView
{
    /// <summary>The fields.</summary>
    public required WebmailComposeForm Form { get; init; }

    /// <summary>Attachments already part of the message (kept unless unticked).</summary>
    public IReadOnlyList<WebmailComposeAttachment> Attachments { get; init; } = [];

    /// <summary>Identities for From.</summary>
    public IReadOnlyList<WebmailIdentityView> Identities { get; init; } = [];

    /// <summary>Autocomplete suggestions (recent recipients, then users of the same domain).</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];

    /// <summary>Problems to show.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>When the draft was just saved, or null.</summary>
    public DateTimeOffset? SavedAt { get; init; }

    /// <summary>Forwarded message whose attachments are offered ("" when none).</summary>
    public string SourceFolder { get; init; } = "";

    /// <summary>UID of the forwarded message, 0 when none.</summary>
    public uint SourceUid { get; init; }

    /// <summary>True when the forwarded message itself is attached (forward as attachment).</summary>
    public bool AttachOriginal { get; init; }
}

/// <summary>What the composer asked for on opening: a mode and the message it refers to.</summary>
/// <param name="Mode">New, reply, reply-all, forward, forward as attachment.</param>
/// <param name="Folder">Mailbox of the message replied to or forwarded.</param>
/// <param name="Uid">Its UID, 0 for a new message.</param>
/// <param name="DraftFolder">Mailbox of a draft to continue.</param>
/// <param name="DraftUid">UID of that draft, 0 when none.</param>
/// <param name="To">Prefilled To (from a <c>mailto:</c> link), or null.</param>
public sealed record WebmailComposeRequest(WebmailComposeMode Mode, string? Folder, uint Uid, string? DraftFolder, uint DraftUid, string? To);

/// <summary>Result of a composer POST: a page to show again, or a place to go.</summary>
/// <param name="View">The composer state to render, when the user stays on the page.</param>
/// <param name="RedirectTo">A local URL to go to, when the action is complete.</param>
public sealed record WebmailComposeOutcome(WebmailComposeView? View, string? RedirectTo);

/// <summary>
/// The composer's work behind the page: prefill (new, reply, reply-all, forward, draft), autosave and save to
/// Drafts over IMAP (each save replaces the previous draft), and send or schedule through the server-side
/// outbox (<see cref="WebmailOutbox"/>) with the draft kept until the message has been submitted.
/// </summary>
public sealed class WebmailComposeService(
    WebmailOutbox outbox, WebmailSettingsStore settings, IOptions<WebmailOptions> options, TimeProvider time,
    IServiceProvider services)
{
    /// <summary>Most suggestions in the autocomplete list.</summary>
    public const int MaxSuggestions = 200;

    /// <summary>How long this node keeps a domain's directory users for autocomplete before asking the directory again.</summary>
    public static readonly TimeSpan DirectorySuggestionLifetime = TimeSpan.FromMinutes(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset Expires, string[] Users)> _domainUsers =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest message the composer saves or sends, in octets (<see cref="WebmailOptions.MaxComposeOctets"/>).</summary>
    public int MaxComposeOctets => options.Value.MaxComposeOctets;

    /// <summary>Prefills the composer for <paramref name="request"/>.</summary>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public async Task<WebmailComposeView> OpenAsync(WebmailMailSession session, WebmailComposeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var user = session.Address;
        var prefs = await settings.GetAsync(user, cancellationToken);
        var identities = await settings.GetIdentitiesAsync(user, cancellationToken);
        var identity = identities[0];
        WebmailComposeForm form;
        IReadOnlyList<WebmailComposeAttachment> attachments = [];
        string sourceFolder = "";
        uint sourceUid = 0;
        var attachOriginal = false;

        if (request.DraftUid > 0 && !string.IsNullOrEmpty(request.DraftFolder)
            && await session.LoadMessageAsync(request.DraftFolder, request.DraftUid, cancellationToken) is { } draft)
        {
            form = FromDraft(draft, request.DraftFolder, request.DraftUid);
            attachments = ListAttachments(draft, "d");
        }
        else if (request.Mode != WebmailComposeMode.New && request.Uid > 0 && !string.IsNullOrEmpty(request.Folder)
            && await session.LoadMessageAsync(request.Folder, request.Uid, cancellationToken) is { } original)
        {
            var own = identities.Select(i => i.Address).ToList();
            form = WebmailMessageComposer.Prefill(request.Mode, original, request.Folder, request.Uid, user, own, prefs.ComposeRichText, prefs.ReplyAboveQuote);
            form.From = ChooseIdentity(original, identities)?.Address ?? identity.Address;
            if (request.Mode is WebmailComposeMode.Forward or WebmailComposeMode.ForwardAsAttachment)
            {
                sourceFolder = request.Folder;
                sourceUid = request.Uid;
                attachOriginal = request.Mode == WebmailComposeMode.ForwardAsAttachment;
                attachments = attachOriginal
                    ? [new WebmailComposeAttachment("o", ForwardedFileName(original), original.Body is null ? 0 : MeasureOctets(original))]
                    : ListAttachments(original, "s");
            }
            var chosen = identities.FirstOrDefault(i => i.Address == form.From) ?? identity;
            WebmailMessageComposer.AddSignature(form, chosen.Signature);
        }
        else
        {
            form = new WebmailComposeForm { From = identity.Address, Format = prefs.ComposeRichText ? "html" : "text" };
            if (!string.IsNullOrWhiteSpace(request.To))
            {
                form.To = WebmailMessageComposer.OneLine(request.To);
            }
            WebmailMessageComposer.AddSignature(form, identity.Signature);
        }
        return new WebmailComposeView
        {
            Form = form,
            Attachments = attachments,
            Identities = identities,
            Suggestions = await SuggestAsync(user, cancellationToken),
            SourceFolder = sourceFolder,
            SourceUid = sourceUid,
            AttachOriginal = attachOriginal,
        };
    }

    /// <summary>
    /// Runs a composer POST: <c>save</c> (also autosave), <c>send</c>, <c>schedule</c> or <c>discard</c>.
    /// </summary>
    /// <param name="fields">The posted form.</param>
    /// <param name="files">Uploaded files.</param>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public async Task<WebmailComposeOutcome> SubmitAsync(
        WebmailMailSession session, IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> fields,
        IReadOnlyList<IFormFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(files);
        var user = session.Address;
        var form = ReadForm(fields);
        var action = Field(fields, "Action");
        var keep = new HashSet<string>(fields.TryGetValue("Keep", out var k) ? k.Where(v => v is not null).Select(v => v!) : [], StringComparer.Ordinal);
        var sourceFolder = Field(fields, "SourceFolder");
        _ = uint.TryParse(Field(fields, "SourceUid"), NumberStyles.None, CultureInfo.InvariantCulture, out var sourceUid);
        var attachOriginal = Field(fields, "AttachOriginal") == "1";
        var oldDraft = form.DraftUid > 0 && form.DraftFolder.Length > 0 ? new WebmailStoredMessage(form.DraftFolder, form.DraftUid) : null;

        if (action == "discard")
        {
            if (oldDraft is not null)
            {
                await session.DeleteMessageAsync(oldDraft, cancellationToken);
            }
            return new WebmailComposeOutcome(null, WebmailRoutes.List("INBOX"));
        }

        var errors = new List<string>();
        var kept = new List<MimeEntity>();
        var keptFromDraft = new List<WebmailComposeAttachment>();
        if (oldDraft is not null && await session.LoadMessageAsync(oldDraft.Folder, oldDraft.Uid, cancellationToken) is { } draft)
        {
            var draftAttachments = WebmailMessageParts.Of(draft).Attachments;
            for (var i = 0; i < draftAttachments.Count; i++)
            {
                var key = "d" + i.ToString(CultureInfo.InvariantCulture);
                if (keep.Contains(key))
                {
                    kept.Add(draftAttachments[i]);
                    keptFromDraft.Add(new WebmailComposeAttachment(key, WebmailMessageParts.FileNameOf(draftAttachments[i], i), WebmailMessageParts.SizeOf(draftAttachments[i])));
                }
            }
        }
        var sourceStillPending = false;
        if (sourceUid > 0 && sourceFolder.Length > 0 && await session.LoadMessageAsync(sourceFolder, sourceUid, cancellationToken) is { } source)
        {
            if (attachOriginal && keep.Contains("o"))
            {
                kept.Add(new MessagePart { Message = source, ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = ForwardedFileName(source) } });
            }
            var sourceAttachments = WebmailMessageParts.Of(source).Attachments;
            kept.AddRange(sourceAttachments.Where((_, i) => keep.Contains("s" + i.ToString(CultureInfo.InvariantCulture))));
            sourceStillPending = true;
        }

        var max = options.Value.MaxComposeOctets;
        var uploads = new List<WebmailUpload>();
        long uploaded = 0;
        foreach (var file in files.Where(f => f.Length > 0))
        {
            uploaded += file.Length;
            if (uploaded > max)
            {
                errors.Add($"Attachments are limited to {max / (1024 * 1024)} MB in total.");
                break;
            }
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            uploads.Add(new WebmailUpload(file.FileName, string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType, buffer.ToArray()));
        }

        var identities = await settings.GetIdentitiesAsync(user, cancellationToken);
        var identity = identities.FirstOrDefault(i => i.Address.Equals(form.From.Trim(), StringComparison.OrdinalIgnoreCase));
        if (identity is null)
        {
            errors.Add("Choose one of your own addresses as From.");
            identity = identities[0];
            form.From = identity.Address;
        }
        var sending = action is "send" or "schedule";
        var now = time.GetUtcNow();
        var built = WebmailMessageComposer.Build(form, identity.DisplayName, kept, uploads, now, requireRecipients: sending);
        errors.AddRange(built.Errors);
        var size = MeasureOctets(built.Message);
        if (size > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"The message would be {size / (1024.0 * 1024):0.0} MB with its attachments encoded for mail; the limit is {max / (1024.0 * 1024):0.#} MB. The files just added were not kept."));
        }

        DateTime? dueUtc = null;
        if (action == "schedule")
        {
            dueUtc = ParseSchedule(form.ScheduleAt, form.TimezoneOffset, now.UtcDateTime, errors);
        }

        // Keep what the user wrote: whatever happens next, the draft holds it (unless it is too big to store).
        WebmailStoredMessage? saved = null;
        if (size <= max)
        {
            try
            {
                saved = await session.SaveDraftAsync(built.Message, oldDraft, cancellationToken);
            }
            catch (CommandException ex)
            {
                errors.Add("The draft could not be saved: " + ex.Message);
            }
        }

        if (!sending || errors.Count > 0 || saved is null)
        {
            var current = saved ?? oldDraft;
            form.DraftFolder = current?.Folder ?? "";
            form.DraftUid = current?.Uid ?? 0;
            // Without a new draft, only what the old draft holds can be kept on the next post: listing the
            // built message's attachments (uploads included) would show files that the next post silently drops.
            var listed = saved is not null ? ListAttachments(built.Message, "d")
                : sourceStillPending ? [] : keptFromDraft;
            return new WebmailComposeOutcome(new WebmailComposeView
            {
                Form = form,
                Attachments = listed,
                Identities = identities,
                Suggestions = await SuggestAsync(user, cancellationToken),
                Errors = errors,
                SavedAt = saved is not null ? now : null,
                SourceFolder = saved is null && sourceStillPending ? sourceFolder : "",
                SourceUid = saved is null && sourceStillPending ? sourceUid : 0,
                AttachOriginal = saved is null && attachOriginal,
            }, null);
        }

        if (await outbox.CountAsync(user, cancellationToken) >= WebmailOutbox.MaxHeldPerUser)
        {
            errors.Add($"At most {WebmailOutbox.MaxHeldPerUser} messages can wait in the outbox; the message was kept as a draft.");
            form.DraftFolder = saved.Folder;
            form.DraftUid = saved.Uid;
            return new WebmailComposeOutcome(new WebmailComposeView
            {
                Form = form,
                Attachments = ListAttachments(built.Message, "d"),
                Identities = identities,
                Suggestions = await SuggestAsync(user, cancellationToken),
                Errors = errors,
                SavedAt = now,
            }, null);
        }
        var prefs = await settings.GetAsync(user, cancellationToken);
        var kind = action == "schedule" ? WebmailOutboxKind.Scheduled : WebmailOutboxKind.UndoWindow;
        var due = dueUtc ?? now.UtcDateTime.AddSeconds(outbox.UndoSeconds(prefs.UndoSendSeconds));
        var replyTo = form.ReplyUid > 0 && form.ReplyFolder.Length > 0 ? new WebmailStoredMessage(form.ReplyFolder, form.ReplyUid) : null;
        var id = await outbox.EnqueueAsync(session.Credentials, built.Message, built.Recipients, kind, due, saved, replyTo, cancellationToken);
        await settings.RecordRecipientsAsync(user, built.Recipients, cancellationToken);
        return new WebmailComposeOutcome(null, WebmailRoutes.List("INBOX") + "&sent=" + id);
    }

    private static DateTime? ParseSchedule(string value, int offsetMinutes, DateTime nowUtc, List<string> errors)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors.Add("Pick a date and time to send the message.");
            return null;
        }
        // getTimezoneOffset() is UTC minus local time, in minutes.
        var utc = DateTime.SpecifyKind(local.AddMinutes(Math.Clamp(offsetMinutes, -14 * 60, 14 * 60)), DateTimeKind.Utc);
        if (utc <= nowUtc)
        {
            errors.Add("The scheduled time is in the past.");
            return null;
        }
        if (utc > nowUtc.AddDays(WebmailOutbox.MaxScheduleDays))
        {
            errors.Add("A message can be scheduled at most a year ahead.");
            return null;
        }
        return utc;
    }

    private async Task<IReadOnlyList<string>> SuggestAsync(string user, CancellationToken cancellationToken)
    {
        var recent = await settings.GetRecentRecipientsAsync(user, MaxSuggestions, cancellationToken);
        var result = new List<string>(recent);
        var domain = user[(user.LastIndexOf('@') + 1)..];
        var fromDirectory = (await DomainUsersAsync(domain, cancellationToken))
            .Where(s => !s.Equals(user, StringComparison.OrdinalIgnoreCase) && !s.EndsWith("<" + user + ">", StringComparison.OrdinalIgnoreCase)
                && !result.Contains(s, StringComparer.OrdinalIgnoreCase))
            .Take(Math.Max(0, MaxSuggestions - result.Count))
            .ToList();
        result.AddRange(fromDirectory);
        return result;
    }

    /// <summary>
    /// Up to <see cref="MaxSuggestions"/> enabled users of <paramref name="domain"/> as <c>Name &lt;address&gt;</c>, cached per
    /// node for <see cref="DirectorySuggestionLifetime"/> so opening the composer does not list the directory each time.
    /// </summary>
    private async Task<string[]> DomainUsersAsync(string domain, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_domainUsers.TryGetValue(domain, out var cached) && cached.Expires > now)
        {
            return cached.Users;
        }
        var admin = services.GetService<IDirectoryAdmin>();
        if (admin is null)
        {
            return [];
        }
        try
        {
            var users = (await admin.ListUsersAsync(cancellationToken))
                .Where(u => u.Enabled && u.Address.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase))
                .Take(MaxSuggestions)
                .Select(u => new MailboxAddress(u.DisplayName, u.Address).ToString())
                .ToArray();
            _domainUsers[domain] = (now + DirectorySuggestionLifetime, users);
            return users;
        }
        catch (DirectoryUnavailableException)
        {
            // Suggestions from the directory are a convenience; recent recipients still work.
            return cached.Users ?? [];
        }
    }

    private static WebmailIdentityView? ChooseIdentity(MimeMessage original, IReadOnlyList<WebmailIdentityView> identities)
    {
        var addressed = original.To.Mailboxes.Concat(original.Cc.Mailboxes).Select(m => m.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return identities.FirstOrDefault(i => addressed.Contains(i.Address));
    }

    private static WebmailComposeForm FromDraft(MimeMessage draft, string folder, uint uid)
    {
        var parts = WebmailMessageParts.Of(draft);
        var html = parts.HtmlBody?.Text;
        return new WebmailComposeForm
        {
            From = draft.From.Mailboxes.FirstOrDefault()?.Address ?? "",
            To = string.Join(", ", draft.To.Mailboxes.Select(m => m.ToString())),
            Cc = string.Join(", ", draft.Cc.Mailboxes.Select(m => m.ToString())),
            Bcc = string.Join(", ", draft.Bcc.Mailboxes.Select(m => m.ToString())),
            Subject = draft.Subject ?? "",
            Format = html is not null ? "html" : "text",
            Html = html is not null ? WebmailMessageComposer.SanitizeComposedHtml(html) : "",
            Text = html is null ? parts.TextBody?.Text ?? "" : "",
            InReplyTo = draft.InReplyTo is { Length: > 0 } r ? "<" + r + ">" : "",
            References = string.Join(' ', draft.References.Select(x => "<" + x + ">")),
            DraftFolder = folder,
            DraftUid = uid,
        };
    }

    private static IReadOnlyList<WebmailComposeAttachment> ListAttachments(MimeMessage message, string prefix) =>
        [.. WebmailMessageParts.Of(message).Attachments.Select((a, i) => new WebmailComposeAttachment(
            prefix + i.ToString(CultureInfo.InvariantCulture), WebmailMessageParts.FileNameOf(a, i), WebmailMessageParts.SizeOf(a)))];

    private static string ForwardedFileName(MimeMessage message)
    {
        var subject = WebmailMessageComposer.SafeFileName(string.IsNullOrWhiteSpace(message.Subject) ? "message" : message.Subject);
        return (subject.Length > 100 ? subject[..100] : subject) + ".eml";
    }

    private static long MeasureOctets(MimeMessage message)
    {
        using var counter = new MimeKit.IO.MeasuringStream();
        message.WriteTo(counter);
        return counter.Length;
    }

    private static WebmailComposeForm ReadForm(IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> fields)
    {
        _ = uint.TryParse(Field(fields, "DraftUid"), NumberStyles.None, CultureInfo.InvariantCulture, out var draftUid);
        _ = uint.TryParse(Field(fields, "ReplyUid"), NumberStyles.None, CultureInfo.InvariantCulture, out var replyUid);
        _ = int.TryParse(Field(fields, "TimezoneOffset"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset);
        var format = Field(fields, "Format") == "html" ? "html" : "text";
        if (format == "html" && string.IsNullOrWhiteSpace(Field(fields, "Html")) && !string.IsNullOrWhiteSpace(Field(fields, "Text")))
        {
            // Without scripts the rich editor never ran: what the user typed is in the plain text box.
            format = "text";
        }
        return new WebmailComposeForm
        {
            From = Field(fields, "From"),
            To = Field(fields, "To"),
            Cc = Field(fields, "Cc"),
            Bcc = Field(fields, "Bcc"),
            Subject = Field(fields, "Subject"),
            Format = format,
            Text = Field(fields, "Text"),
            Html = Field(fields, "Html"),
            InReplyTo = Field(fields, "InReplyTo"),
            References = Field(fields, "References"),
            ReplyFolder = Field(fields, "ReplyFolder"),
            ReplyUid = replyUid,
            DraftFolder = Field(fields, "DraftFolder"),
            DraftUid = draftUid,
            ScheduleAt = Field(fields, "ScheduleAt"),
            TimezoneOffset = offset,
        };
    }

    private static string Field(IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value.ToString() : "";
}

using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Mail.Web.Webmail;

public sealed partial class WebmailMailSession
{
    private const MessageSummaryItems ListItems = MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope
        | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure
        | MessageSummaryItems.InternalDate;

    /// <summary>
    /// Page <paramref name="page"/> (1-based, clamped to the last page) of <paramref name="folderName"/>,
    /// newest first (highest sequence number = highest UID), <see cref="WebmailOptions.PageSize"/> rows,
    /// opened read-only (EXAMINE, RFC 9051 §6.3.3) so listing marks nothing.
    /// </summary>
    /// <returns>The page, or null when the folder does not exist or cannot be selected.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailMessagePage?> GetMessagesAsync(string folderName, int page, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadOnly, ct);
            if (folder is null)
            {
                return null;
            }
            var pageSize = Math.Clamp(_options.PageSize, 1, 500);
            var total = folder.Count;
            var pageCount = Math.Max(1, (total + pageSize - 1) / pageSize);
            page = Math.Clamp(page, 1, pageCount);
            if (total == 0)
            {
                return new WebmailMessagePage(folder.FullName, page, pageCount, 0, []);
            }
            var high = total - 1 - ((page - 1) * pageSize);
            var low = Math.Max(0, high - pageSize + 1);
            var summaries = await folder.FetchAsync(low, high, ListItems, ct);
            var rows = summaries
                .OrderByDescending(s => s.UniqueId.Id)
                .Select(ToSummary)
                .ToList();
            return new WebmailMessagePage(folder.FullName, page, pageCount, total, rows);
        }, cancellationToken);

    private static WebmailMessageSummary ToSummary(IMessageSummary s)
    {
        var sender = s.Envelope?.From.Mailboxes.FirstOrDefault() ?? s.Envelope?.Sender.Mailboxes.FirstOrDefault();
        var from = sender is null ? "" : string.IsNullOrWhiteSpace(sender.Name) ? sender.Address : sender.Name;
        var flags = s.Flags ?? MessageFlags.None;
        bool hasAttachments;
        try
        {
            hasAttachments = s.Body is not null && s.Attachments.Any();
        }
        catch (InvalidOperationException)
        {
            hasAttachments = false;
        }
        return new WebmailMessageSummary(
            s.UniqueId.Id,
            from,
            s.Envelope?.Subject ?? "",
            s.Envelope?.Date ?? (s.InternalDate is { } d ? d : null),
            (long)(s.Size ?? 0),
            flags.HasFlag(MessageFlags.Seen),
            flags.HasFlag(MessageFlags.Flagged),
            hasAttachments);
    }

    /// <summary>
    /// Opens message <paramref name="uid"/> of <paramref name="folderName"/> for reading and marks it
    /// <c>\Seen</c> (UID STORE +FLAGS.SILENT, RFC 9051 §6.4.6). Messages over
    /// <see cref="WebmailOptions.MaxMessageOctets"/> show their headers and no body.
    /// </summary>
    /// <returns>The message, or null when the folder or message does not exist.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<WebmailMessage?> OpenMessageAsync(string folderName, uint uid, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadWrite, ct);
            if (folder is null)
            {
                return null;
            }
            var id = new UniqueId(uid);
            var summary = (await folder.FetchAsync([id], MessageSummaryItems.UniqueId | MessageSummaryItems.Size
                | MessageSummaryItems.Flags | MessageSummaryItems.Envelope, ct)).FirstOrDefault();
            if (summary is null)
            {
                return null;
            }
            WebmailMessage? view;
            if (summary.Size > (ulong)_options.MaxMessageOctets)
            {
                view = FromEnvelope(folder.FullName, summary);
            }
            else
            {
                var message = await GetMimeAsync(folder, id, ct);
                view = message is null ? null : FromMime(folder.FullName, uid, message);
            }
            view = view is null ? null : view with { Flagged = (summary.Flags ?? MessageFlags.None).HasFlag(MessageFlags.Flagged) };
            if (view is not null && !(summary.Flags ?? MessageFlags.None).HasFlag(MessageFlags.Seen))
            {
                await folder.AddFlagsAsync(id, MessageFlags.Seen, silent: true, ct);
                MarkedSeen?.Invoke(folder.FullName);
            }
            return view;
        }, cancellationToken);

    /// <summary>
    /// Downloads and parses message <paramref name="uid"/> without changing its flags (EXAMINE + BODY.PEEK[]),
    /// for the HTML body frame and attachment downloads.
    /// </summary>
    /// <returns>The message, or null when the folder or message does not exist or is over <see cref="WebmailOptions.MaxMessageOctets"/>.</returns>
    /// <exception cref="WebmailUnavailableException">IMAP is out of reach.</exception>
    public Task<MimeMessage?> LoadMessageAsync(string folderName, uint uid, CancellationToken cancellationToken) =>
        RunAsync(async (client, ct) =>
        {
            var folder = await OpenFolderAsync(client, folderName, FolderAccess.ReadOnly, ct);
            if (folder is null)
            {
                return null;
            }
            var id = new UniqueId(uid);
            var summary = (await folder.FetchAsync([id], MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct)).FirstOrDefault();
            if (summary is null || summary.Size > (ulong)_options.MaxMessageOctets)
            {
                return null;
            }
            return await GetMimeAsync(folder, id, ct);
        }, cancellationToken);

    private async Task<MimeMessage?> GetMimeAsync(IMailFolder folder, UniqueId id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _downloads);
        try
        {
            return await folder.GetMessageAsync(id, cancellationToken);
        }
        catch (Exception ex) when (ex is MessageNotFoundException or CommandException)
        {
            WebmailLog.ImapCommandFailed(_logger, ex.Message);
            return null;
        }
    }

    private static WebmailMessage FromMime(string folder, uint uid, MimeMessage message)
    {
        var parts = WebmailMessageParts.Of(message);
        return new WebmailMessage
        {
            Folder = folder,
            Uid = uid,
            Subject = message.Subject ?? "",
            From = Format(message.From),
            FromAddress = message.From.Mailboxes.FirstOrDefault()?.Address ?? "",
            To = Format(message.To),
            Cc = Format(message.Cc),
            Date = message.Headers.Contains(HeaderId.Date) ? message.Date : null,
            TextBody = parts.TextBody?.Text,
            HasHtmlBody = parts.HtmlBody is not null,
            RemoteContentBlocked = parts.HtmlBody is not null && HtmlMailSanitizer.Sanitize(parts.HtmlBody.Text ?? "").RemoteContentBlocked,
            TooLarge = false,
            Attachments = [.. parts.Attachments.Select((a, i) => new WebmailAttachment(
                i, WebmailMessageParts.FileNameOf(a, i), a.ContentType.MimeType, WebmailMessageParts.SizeOf(a)))],
            Headers = message.Headers,
            Calendars = WebmailCalendar.PartsOf(message),
        };
    }

    private static WebmailMessage FromEnvelope(string folder, IMessageSummary summary) => new()
    {
        Folder = folder,
        Uid = summary.UniqueId.Id,
        Subject = summary.Envelope?.Subject ?? "",
        From = summary.Envelope is null ? "" : Format(summary.Envelope.From),
        To = summary.Envelope is null ? "" : Format(summary.Envelope.To),
        Cc = summary.Envelope is null ? "" : Format(summary.Envelope.Cc),
        Date = summary.Envelope?.Date,
        TextBody = null,
        HasHtmlBody = false,
        RemoteContentBlocked = false,
        TooLarge = true,
        Attachments = [],
    };

    private static string Format(InternetAddressList list) =>
        string.Join(", ", list.Select(a => a switch
        {
            MailboxAddress m when !string.IsNullOrWhiteSpace(m.Name) => $"{m.Name} <{m.Address}>",
            MailboxAddress m => m.Address,
            _ => a.ToString(),
        }));
}

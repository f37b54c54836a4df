using System.Globalization;
using System.Text;
using MimeKit;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// Builds delivery status notifications (RFC 3464, in RFC 6522 <c>multipart/report</c>): a human-readable
/// part, the <c>message/delivery-status</c> part (one per-recipient group per failed recipient with
/// Final-Recipient, Action: failed, Status, Remote-MTA, Diagnostic-Code), and the original header as
/// <c>text/rfc822-headers</c> (RET=HDRS, the default) or the whole message as <c>message/rfc822</c> (RET=FULL);
/// Original-Envelope-Id (ENVID) and Original-Recipient (ORCPT) when given; only for recipients whose NOTIFY asks. Sent with the null sender (RFC 5321 §4.5.5)
/// and <c>Auto-Submitted: auto-replied</c> (RFC 3834), so it is never answered by another DSN.
/// </summary>
internal static class DsnBuilder
{
    /// <summary>
    /// The DSN for <paramref name="failed"/> recipients of <paramref name="entry"/>, as wire octets (CRLF); with
    /// <paramref name="retryUntil"/> a delay notice instead (Action: delayed, Will-Retry-Until, RFC 3464 §2.3.3/§2.3.9).
    /// </summary>
    public static byte[] Build(OutboundQueueEntry entry, IReadOnlyList<OutboundRecipient> failed, Stream original, string reportingMta, DateTimeOffset now, DateTimeOffset? retryUntil = null) =>
        Build(entry, failed, original, reportingMta, now, retryUntil, success: false);

    /// <summary>
    /// The success report (NOTIFY=SUCCESS, RFC 3461 §4.1) for <paramref name="delivered"/> recipients: Action
    /// <c>delivered</c> or <c>relayed</c> per <see cref="OutboundRecipient.SuccessReportAction"/>, Status 2.x.x, and
    /// always only the header of the original (RFC 3461 §4.3: RET applies to failure reports).
    /// </summary>
    public static byte[] BuildSuccess(OutboundQueueEntry entry, IReadOnlyList<OutboundRecipient> delivered, Stream original, string reportingMta, DateTimeOffset now) =>
        Build(entry, delivered, original, reportingMta, now, null, success: true);

    private static byte[] Build(OutboundQueueEntry entry, IReadOnlyList<OutboundRecipient> failed, Stream original, string reportingMta, DateTimeOffset now, DateTimeOffset? retryUntil, bool success)
    {
        var delayed = retryUntil is not null;
        var headers = HeaderList.Load(original);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + reportingMta));
        message.To.Add(MailboxAddress.Parse(entry.Sender));
        message.Subject = success ? "Successful Mail Delivery Report" : delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender";
        message.Date = now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(reportingMta);
        message.Headers.Add("Auto-Submitted", "auto-replied");
        if (headers[HeaderId.MessageId] is { } originalId)
        {
            message.InReplyTo = originalId;
        }

        var report = new MultipartReport("delivery-status");
        var text = new StringBuilder();
        text.Append("This is the mail system at host ").Append(reportingMta).Append(".\n\n");
        text.Append(success
            ? "Your message was successfully delivered to the destination(s) listed below.\nIf the message was relayed, no further notice will follow from the next system.\n\n"
            : delayed
            ? "Your message could not be delivered yet to the recipients below.\nIt will be retried until " + MimeKit.Utils.DateUtils.FormatDate(retryUntil!.Value) + ".\nThis is a warning only: you do not need to send the message again.\n\n"
            : "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n");
        foreach (var recipient in failed)
        {
            text.Append('<').Append(recipient.Address).Append(">: ").Append(recipient.LastReply ?? "delivery failed").Append('\n');
        }
        report.Add(new TextPart("plain") { Text = text.ToString() });

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList();
        if (entry.EnvelopeId is { } envid)
        {
            perMessage.Add("Original-Envelope-Id", envid);
        }
        status.StatusGroups.Add(perMessage);
        perMessage.Add("Reporting-MTA", "dns; " + reportingMta);
        perMessage.Add("X-Queue-ID", entry.Id);
        perMessage.Add("Arrival-Date", MimeKit.Utils.DateUtils.FormatDate(entry.Created));
        foreach (var recipient in failed)
        {
            var group = new HeaderList();
            if (recipient.OriginalRecipient is { } orcpt)
            {
                group.Add("Original-Recipient", orcpt);
            }
            group.Add("Final-Recipient", "rfc822; " + recipient.Address);
            group.Add("Action", success ? recipient.SuccessReportAction ?? "delivered" : delayed ? "delayed" : "failed");
            group.Add("Status", StatusCode(recipient.LastReply));
            if (recipient.RemoteMta is { } mta && mta != "local")
            {
                var host = mta.Split('[')[0];
                group.Add("Remote-MTA", "dns; " + host);
            }
            if (recipient.LastReply is { } reply)
            {
                group.Add("Diagnostic-Code", "smtp; " + reply);
            }
            group.Add("Last-Attempt-Date", MimeKit.Utils.DateUtils.FormatDate(recipient.Done ?? now));
            if (delayed)
            {
                group.Add("Will-Retry-Until", MimeKit.Utils.DateUtils.FormatDate(retryUntil!.Value));
            }
            status.StatusGroups.Add(group);
        }
        report.Add(status);

        if (!success && entry.Ret == "FULL" && original.CanSeek)
        {
            // RET=FULL (RFC 3461 §4.3): the whole original message.
            original.Position = 0;
            report.Add(new MessagePart { Message = MimeMessage.Load(original) });
        }
        else
        {
            using var headerText = new MemoryStream();
            headers.WriteTo(FormatOptions.Default, headerText);
            report.Add(new TextPart("rfc822-headers") { Content = new MimeContent(new MemoryStream(headerText.ToArray())) });
        }
        message.Body = report;

        using var output = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, output);
        return output.ToArray();
    }

    /// <summary>The RFC 3463 code of a reply (<c>550 5.1.1 ...</c> → <c>5.1.1</c>), else <c>X.0.0</c> from the reply class (<c>5.0.0</c> when none).</summary>
    public static string StatusCode(string? reply)
    {
        if (reply is null)
        {
            return "5.0.0";
        }
        var parts = reply.Split(' ', 3);
        if (parts.Length >= 2 && parts[1].Count(c => c == '.') == 2 && parts[1][0] is '2' or '4' or '5' && parts[1].All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return parts[1];
        }
        return parts.Length > 0 && parts[0].Length == 3 && parts[0][0] is '2' or '4' or '5'
            ? string.Create(CultureInfo.InvariantCulture, $"{parts[0][0]}.0.0")
            : "5.0.0";
    }
}

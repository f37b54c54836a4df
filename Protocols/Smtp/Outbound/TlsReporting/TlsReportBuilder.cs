using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using MimeKit;

namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// Builds TLSRPT reports (RFC 8460): the JSON aggregate report of one policy domain (§4.4), its gzip form
/// (<c>application/tlsrpt+gzip</c>, §5.1) and the report mail (§5.3).
/// </summary>
internal static class TlsReportBuilder
{
    /// <summary>
    /// The §4.4 JSON report: <c>organization-name</c>, <c>date-range</c> (<c>start-datetime</c>, <c>end-datetime</c>,
    /// RFC 3339 UTC), <c>contact-info</c>, <c>report-id</c>, and one <c>policies</c> entry per policy with its
    /// <c>policy</c> (<c>policy-type</c>, <c>policy-string</c>, <c>policy-domain</c>, <c>mx-host</c>), <c>summary</c>
    /// (<c>total-successful-session-count</c>, <c>total-failure-session-count</c>) and <c>failure-details</c>.
    /// </summary>
    public static byte[] Json(string organization, string contact, string reportId, DateTimeOffset start, DateTimeOffset end, IEnumerable<TlsReportCollector.PolicyCounts> policies)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("organization-name", organization);
            json.WriteStartObject("date-range");
            json.WriteString("start-datetime", Rfc3339(start));
            json.WriteString("end-datetime", Rfc3339(end));
            json.WriteEndObject();
            json.WriteString("contact-info", contact);
            json.WriteString("report-id", reportId);
            json.WriteStartArray("policies");
            foreach (var counts in policies)
            {
                json.WriteStartObject();
                json.WriteStartObject("policy");
                json.WriteString("policy-type", counts.Policy.Type);
                if (counts.Policy.Strings.Count > 0)
                {
                    WriteArray(json, "policy-string", counts.Policy.Strings);
                }
                json.WriteString("policy-domain", counts.Policy.Domain);
                if (counts.Policy.MxHosts.Count > 0)
                {
                    WriteArray(json, "mx-host", counts.Policy.MxHosts);
                }
                json.WriteEndObject();
                json.WriteStartObject("summary");
                json.WriteNumber("total-successful-session-count", counts.Successes);
                json.WriteNumber("total-failure-session-count", counts.Failures);
                json.WriteEndObject();
                if (counts.Details.Count > 0)
                {
                    json.WriteStartArray("failure-details");
                    foreach (var detail in counts.Details)
                    {
                        json.WriteStartObject();
                        json.WriteString("result-type", detail.ResultType);
                        WriteOptional(json, "sending-mta-ip", detail.SendingIp);
                        WriteOptional(json, "receiving-mx-hostname", detail.ReceivingMx);
                        WriteOptional(json, "receiving-ip", detail.ReceivingIp);
                        json.WriteNumber("failed-session-count", detail.Count);
                        WriteOptional(json, "additional-information", detail.Reason);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Gzip of <paramref name="json"/> (RFC 1952), the <c>application/tlsrpt+gzip</c> body.</summary>
    public static byte[] Gzip(byte[] json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The §5.1 file name: <c>submitter!policy-domain!begin!end!report-id.json.gz</c>, the times in seconds since the
    /// Unix epoch.
    /// </summary>
    public static string FileName(string submitter, string domain, DateTimeOffset start, DateTimeOffset end, string reportId) =>
        string.Create(CultureInfo.InvariantCulture, $"{submitter}!{domain}!{start.ToUnixTimeSeconds()}!{end.ToUnixTimeSeconds()}!{reportId}.json.gz");

    /// <summary>
    /// The §5.3 report mail: <c>TLS-Report-Domain</c> and <c>TLS-Report-Submitter</c> fields, the subject
    /// <c>Report Domain: ... Submitter: ... Report-ID: &lt;...&gt;</c>, a <c>multipart/report; report-type="tlsrpt"</c>
    /// body with a short text part and the gzipped report as an <c>application/tlsrpt+gzip</c> attachment.
    /// </summary>
    public static MimeMessage Mail(string from, string to, string submitter, string domain, string reportId, string fileName, byte[] gzip, string hostName, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Report Domain: {domain} Submitter: {submitter} Report-ID: <{reportId}>";
        message.Date = now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(hostName);
        message.Headers.Add("TLS-Report-Domain", domain);
        message.Headers.Add("TLS-Report-Submitter", submitter);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var report = new MultipartReport("tlsrpt")
        {
            new TextPart("plain")
            {
                Text = $"This is an aggregate TLS report (RFC 8460) from {submitter} for {domain}.\n",
                ContentTransferEncoding = ContentEncoding.SevenBit,
            },
            new MimePart("application", "tlsrpt+gzip")
            {
                Content = new MimeContent(new MemoryStream(gzip)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = fileName },
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = fileName,
            },
        };
        message.Body = report;
        return message;
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>The <c>rua</c> URIs of a <c>v=TLSRPTv1</c> record (RFC 8460 §3), or null when it is not one.</summary>
    public static IReadOnlyList<Uri>? ParseRecord(string record)
    {
        var fields = record.Split(';', StringSplitOptions.TrimEntries);
        if (fields.Length == 0 || fields[0] != "v=TLSRPTv1")
        {
            return null;
        }
        var result = new List<Uri>();
        foreach (var field in fields.Skip(1))
        {
            if (!field.StartsWith("rua=", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var value in field[4..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeMailto || uri.Scheme == Uri.UriSchemeHttps))
                {
                    result.Add(uri);
                }
            }
        }
        return result.Count > 0 ? result : null;
    }

    /// <summary>The address of a <c>mailto:</c> URI (percent-decoded, without query), or null.</summary>
    public static string? MailtoAddress(Uri uri)
    {
        var address = Uri.UnescapeDataString(uri.OriginalString[(uri.OriginalString.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('?')[0]);
        return MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal) ? mailbox.Address : null;
    }
}

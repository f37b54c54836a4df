using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mail.Protocols.Smtp;

/// <summary>
/// The trace fields SMTP-in prepends to a message (RFC 5321 §4.4): <c>Return-Path</c> with the
/// envelope sender and a <c>Received</c> field. No DNS lookups: the client is named by its HELO
/// argument and its address literal, as Postfix does for an unknown reverse name.
/// </summary>
internal static class SmtpInTraceHeaders
{
    /// <summary>
    /// Builds <c>Return-Path: &lt;sender&gt;</c> and
    /// <c>Received: from HELO ([ip]) by HOST with PROTOCOL id ID [for &lt;rcpt&gt;]; DATE</c>, each ending in CRLF.
    /// </summary>
    /// <param name="sender">Envelope sender as given in MAIL FROM, empty for the null sender.</param>
    /// <param name="protocol">RFC 3848 / RFC 6531 protocol type: SMTP, ESMTP, ESMTPS, UTF8SMTP, UTF8SMTPS.</param>
    /// <param name="singleRecipient">The only envelope recipient, or null (the "for" clause is left out for several, RFC 5321 §7.2).</param>
    public static string Build(string sender, string? helo, IPAddress client, string host, string protocol, string id, string? singleRecipient, DateTimeOffset date)
    {
        var literal = client.AddressFamily == AddressFamily.InterNetworkV6 && !client.IsIPv4MappedToIPv6
            ? "IPv6:" + client
            : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
        var text = new StringBuilder(256);
        text.Append("Return-Path: <").Append(sender).Append(">\r\n");
        text.Append("Received: from ").Append(string.IsNullOrEmpty(helo) ? "unknown" : helo)
            .Append(" ([").Append(literal).Append("])\r\n");
        text.Append("\tby ").Append(host).Append(" with ").Append(protocol).Append(" id ").Append(id);
        if (singleRecipient is not null)
        {
            text.Append("\r\n\tfor <").Append(singleRecipient).Append('>');
        }
        text.Append("; ").Append(FormatDate(date)).Append("\r\n");
        return text.ToString();
    }

    /// <summary>RFC 5322 §3.3 date-time, e.g. <c>Tue, 1 Jul 2025 10:00:00 +0000</c>.</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return date.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + abs.Hours.ToString("00", CultureInfo.InvariantCulture) + abs.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The "with" protocol type for the session (RFC 3848 §2, RFC 6531 §3.7.4.2).</summary>
    public static string Protocol(bool extended, bool secure, bool utf8) => (extended, secure, utf8) switch
    {
        (_, true, true) => "UTF8SMTPS",
        (_, false, true) => "UTF8SMTP",
        (true, true, false) => "ESMTPS",
        (true, false, false) => "ESMTP",
        (false, true, false) => "SMTPS",
        (false, false, false) => "SMTP",
    };
}

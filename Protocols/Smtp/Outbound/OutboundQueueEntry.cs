using System.Text.Json.Serialization;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// The metadata of one queued message (<c>{DataPath}/queue/entries/&lt;id&gt;.json</c>); the message
/// itself is <c>queue/messages/&lt;id&gt;.eml</c>. Only the server's queue writes these files.
/// </summary>
public sealed class OutboundQueueEntry
{
    /// <summary>Queue id: sortable by arrival, file-name safe.</summary>
    public string Id { get; set; } = "";

    /// <summary>Envelope sender (MAIL FROM), empty for the null sender of a DSN.</summary>
    public string Sender { get; set; } = "";

    /// <summary>The authenticated account that submitted it; DSNs go only to such senders. Null for DSNs.</summary>
    public string? AuthenticatedUser { get; set; }

    /// <summary>When it was accepted (UTC).</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>Earliest next delivery attempt (UTC).</summary>
    public DateTimeOffset NextAttempt { get; set; }

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Held by the administrator: no attempts until released.</summary>
    public bool Held { get; set; }

    /// <summary>RET from MAIL (RFC 3461 §4.3): <c>FULL</c> or <c>HDRS</c> (the default), what a DSN returns.</summary>
    public string? Ret { get; set; }

    /// <summary>ENVID from MAIL (RFC 3461 §4.4), echoed as Original-Envelope-Id and relayed.</summary>
    public string? EnvelopeId { get; set; }

    /// <summary>
    /// REQUIRETLS from MAIL (RFC 8689 §4): every hop must be TLS with a verified certificate and must itself offer
    /// REQUIRETLS, else the recipient fails with <c>5.7.30</c>.
    /// </summary>
    public bool RequireTls { get; set; }

    /// <summary>True once a "delayed" DSN went to the sender (one per message, RFC 3464 Action: delayed).</summary>
    public bool DelayNotified { get; set; }

    /// <summary>Size of the message file in octets.</summary>
    public long Size { get; set; }

    /// <summary>Every envelope recipient with its state.</summary>
    public List<OutboundRecipient> Recipients { get; set; } = [];

    /// <summary>Domains (lower case) of the recipients still pending.</summary>
    [JsonIgnore]
    public IEnumerable<string> PendingDomains => Recipients.Where(r => r.Status == OutboundRecipientStatus.Pending).Select(r => r.Domain).Distinct(StringComparer.Ordinal);
}

/// <summary>One envelope recipient of a queued message.</summary>
public sealed class OutboundRecipient
{
    /// <summary>The address as given in RCPT TO.</summary>
    public string Address { get; set; } = "";

    /// <summary>NOTIFY from RCPT (RFC 3461 §4.1, e.g. <c>FAILURE,DELAY</c>, <c>NEVER</c>), null when not given.</summary>
    public string? Notify { get; set; }

    /// <summary>ORCPT from RCPT (RFC 3461 §4.2, <c>rfc822;addr</c>), echoed as Original-Recipient in our DSNs (MailKit relays its own ORCPT, the RCPT address).</summary>
    public string? OriginalRecipient { get; set; }

    /// <summary>
    /// True when a DSN of kind <paramref name="kind"/> (FAILURE, DELAY, SUCCESS) is wanted: NOTIFY naming it, or
    /// NOTIFY absent for FAILURE and DELAY (RFC 3461 §4.1: the default is FAILURE,DELAY; SUCCESS only on request).
    /// </summary>
    public bool Wants(string kind) => Notify is null
        ? !kind.Equals("SUCCESS", StringComparison.OrdinalIgnoreCase)
        : Notify.Split(',').Contains(kind, StringComparer.OrdinalIgnoreCase);

    /// <summary>For a delivered recipient: <c>delivered</c> (stored locally) or <c>relayed</c> (next hop without DSN, RFC 3464 §2.3.3), null when the next hop took over DSN duty.</summary>
    public string? SuccessReportAction { get; set; }

    /// <summary>True once the NOTIFY=SUCCESS report for this recipient was queued.</summary>
    public bool SuccessReported { get; set; }

    /// <summary>Pending, delivered or failed.</summary>
    public OutboundRecipientStatus Status { get; set; }

    /// <summary>The last reply or error for this recipient (e.g. <c>550 5.1.1 User unknown</c>), for <c>admin queue show</c> and DSNs.</summary>
    public string? LastReply { get; set; }

    /// <summary>The host that gave <see cref="LastReply"/>, if any.</summary>
    public string? RemoteMta { get; set; }

    /// <summary>When the recipient reached its final state.</summary>
    public DateTimeOffset? Done { get; set; }

    /// <summary>The domain part, lower case.</summary>
    [JsonIgnore]
    public string Domain => Address[(Address.LastIndexOf('@') + 1)..].ToLowerInvariant();
}

/// <summary>Delivery state of a recipient.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutboundRecipientStatus>))]
public enum OutboundRecipientStatus
{
    /// <summary>Not delivered yet; retried.</summary>
    Pending,
    /// <summary>Accepted by the next hop or stored locally.</summary>
    Delivered,
    /// <summary>Permanently refused or expired; reported in a DSN.</summary>
    Failed,
}

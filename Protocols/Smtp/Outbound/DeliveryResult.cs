namespace Mail.Protocols.Smtp.Outbound;

/// <summary>The result of one delivery attempt for one recipient.</summary>
/// <param name="Address">The envelope recipient.</param>
/// <param name="Status">Delivered, failed (permanent) or pending (retry).</param>
/// <param name="Reply">The SMTP reply or a locally made one, e.g. <c>550 5.1.1 User unknown</c>.</param>
/// <param name="Host">The next hop that answered (<c>mx.example.net[192.0.2.1]</c>, <c>local</c>), or null.</param>
/// <param name="SuccessAction">
/// For a delivered recipient, the RFC 3464 §2.3.3 action a NOTIFY=SUCCESS report gives: <c>delivered</c> (stored
/// locally) or <c>relayed</c> (next hop without DSN); null when the next hop offered DSN and took the parameters over
/// (RFC 3461 §5.2.2: the success report is then its duty).
/// </param>
internal sealed record DeliveryResult(string Address, OutboundRecipientStatus Status, string Reply, string? Host, string? SuccessAction = null)
{
    /// <summary>Pending for 4xx, failed for 5xx.</summary>
    public static OutboundRecipientStatus ForCode(int code) => code is >= 500 and < 600 ? OutboundRecipientStatus.Failed : OutboundRecipientStatus.Pending;

    /// <summary>The same result for each of <paramref name="recipients"/>.</summary>
    public static List<DeliveryResult> All(IEnumerable<string> recipients, OutboundRecipientStatus status, string reply, string? host) =>
        recipients.Select(r => new DeliveryResult(r, status, reply, host)).ToList();
}

namespace Mail.Protocols.Lmtp;

/// <summary>
/// The <c>Mail:Lmtp</c> section: limits and access of the LMTP listener (endpoint <c>Lmtp</c>,
/// RFC 2033). Every limit has a named rejection (<see cref="LmtpRejectReason"/>) and a test.
/// </summary>
public sealed class LmtpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Lmtp";

    /// <summary>
    /// Networks allowed to connect, as CIDR (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses.
    /// Default: loopback only. Others get <c>421 4.7.0</c> and are disconnected
    /// (<see cref="LmtpRejectReason.UntrustedNetwork"/>). An invalid entry fails startup.
    /// </summary>
    public IList<string> TrustedNetworks { get; } = new List<string>();

    /// <summary>Longest command line in octets including CRLF (RFC 5321 §4.5.3.1.4: at least 512). Longer: <c>500 5.5.2</c>.</summary>
    public int MaxCommandLineOctets { get; set; } = 2048;

    /// <summary>Longest line of message data in octets, CRLF excluded (RFC 5321 §4.5.3.1.6: at least 1000). Longer: <c>552 5.3.4</c> per recipient.</summary>
    public int MaxLineOctets { get; set; } = 1024 * 1024;

    /// <summary>Largest message in octets as received (advertised as SIZE, RFC 1870). Larger: <c>552 5.3.4</c>.</summary>
    public long MaxMessageOctets { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most RCPT commands accepted per transaction. More: <c>452 4.5.3</c> (RFC 5321 §4.5.3.1.10).</summary>
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>
    /// Whether an over-quota recipient gets the permanent <c>552 5.2.2</c> (the sender bounces at once)
    /// instead of the default temporary <c>452 4.2.2</c> (the MTA retries until its queue lifetime ends).
    /// </summary>
    public bool OverQuotaIsPermanent { get; set; }

    /// <summary>Idle time before the server closes the connection with <c>421 4.4.2</c>, in seconds.</summary>
    public int IdleTimeoutSeconds { get; set; } = 300;
}

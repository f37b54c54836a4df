namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>How much TLS one connection to a next hop needs.</summary>
internal enum TlsRequirement
{
    /// <summary>STARTTLS when offered, any certificate (RFC 7435 opportunistic security).</summary>
    Opportunistic,
    /// <summary>
    /// STARTTLS is required and the certificate must chain to a trusted root and match the host name (RFC 8461
    /// §4.2 MTA-STS enforce, RFC 8689 §4.2 REQUIRETLS).
    /// </summary>
    Pkix,
    /// <summary>STARTTLS is required and the certificate must match one of the host's authenticated TLSA records (RFC 7672 §2.2).</summary>
    Dane,
    /// <summary>
    /// STARTTLS is required, any certificate: the host has authenticated TLSA records but none is usable, so it cannot
    /// be authenticated, yet it declared TLS support (RFC 7672 §2.2: mandatory unauthenticated TLS).
    /// </summary>
    Encrypted,
}

/// <summary>
/// The TLS policy of one next hop: what it needs, the names its certificate must match (the MX host; for
/// MTA-STS also the policy's <c>mx</c> patterns), the TLSA records for DANE, and where the rule comes from (for
/// replies and logs: <c>REQUIRETLS</c>, <c>MTA-STS</c>, <c>DANE</c>).
/// </summary>
/// <param name="Requirement">What the connection needs.</param>
/// <param name="HostName">The MX host name, checked against the certificate for PKIX (and DANE-TA).</param>
/// <param name="Tlsa">The host's usable TLSA records (DANE only).</param>
/// <param name="Source">The rule that asks for it.</param>
/// <param name="ReportAs">
/// The RFC 8460 §4.3 result type every session under this policy is counted as in TLS reports even when TLS worked
/// (<c>tlsa-invalid</c> for unusable TLSA records), or null: a TLS session is a success.
/// </param>
internal sealed record OutboundTlsPolicy(TlsRequirement Requirement, string HostName, IReadOnlyList<TlsaRecordData> Tlsa, string Source, string? ReportAs = null)
{
    /// <summary>True when the certificate is verified (PKIX or DANE): such a session may carry REQUIRETLS mail.</summary>
    public bool Verifies => Requirement is TlsRequirement.Pkix or TlsRequirement.Dane;

    /// <summary>No requirement beyond opportunistic STARTTLS.</summary>
    public static OutboundTlsPolicy Opportunistic(string host) => new(TlsRequirement.Opportunistic, host, [], "opportunistic");
}

/// <summary>One TLSA record (RFC 6698 §2.1): usage, selector, matching type and association data.</summary>
/// <param name="Usage">2 = DANE-TA, 3 = DANE-EE (0 and 1 are not used for SMTP, RFC 7672 §3.1.3).</param>
/// <param name="Selector">0 = full certificate, 1 = SubjectPublicKeyInfo.</param>
/// <param name="MatchingType">0 = exact, 1 = SHA-256, 2 = SHA-512.</param>
/// <param name="Data">The association data.</param>
internal sealed record TlsaRecordData(byte Usage, byte Selector, byte MatchingType, byte[] Data);

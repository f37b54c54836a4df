using Mail.Protocols.Smtp.Outbound.Tls;

namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// One policy of a report (RFC 8460 §4.4 <c>policy</c> object): the policy domain (the recipient domain), its type
/// (<c>sts</c>, <c>tlsa</c> or <c>no-policy-found</c>), the policy text as lines, and the MX host patterns it covers.
/// </summary>
/// <param name="Domain">The policy domain, lower case.</param>
/// <param name="Type">One of <see cref="Sts"/>, <see cref="Tlsa"/>, <see cref="NoPolicyFound"/>.</param>
/// <param name="Strings">The policy lines (MTA-STS policy fields, or TLSA records in presentation form).</param>
/// <param name="MxHosts">The MX patterns of an MTA-STS policy, or the MX host of TLSA records.</param>
internal sealed record TlsReportPolicy(string Domain, string Type, IReadOnlyList<string> Strings, IReadOnlyList<string> MxHosts)
{
    /// <summary>An MTA-STS policy (RFC 8460 §4.4).</summary>
    public const string Sts = "sts";

    /// <summary>DANE TLSA records.</summary>
    public const string Tlsa = "tlsa";

    /// <summary>Neither: opportunistic TLS.</summary>
    public const string NoPolicyFound = "no-policy-found";

    /// <summary>A string that identifies the policy (the record's equality compares lists by reference).</summary>
    public string Key => string.Join('\n', [Domain, Type, .. Strings, "", .. MxHosts]);

    /// <summary>The policy a session to <paramref name="host"/> of <paramref name="domain"/> was made under.</summary>
    public static TlsReportPolicy For(string domain, MtaStsPolicy? sts, OutboundTlsPolicy? host)
    {
        domain = domain.TrimEnd('.').ToLowerInvariant();
        if (host is { Requirement: TlsRequirement.Dane or TlsRequirement.Encrypted, Tlsa.Count: > 0 })
        {
            return new(domain, Tlsa, host.Tlsa.Select(r => $"{r.Usage} {r.Selector} {r.MatchingType} {Convert.ToHexStringLower(r.Data)}").ToList(), [host.HostName]);
        }
        if (sts is { Mode: "enforce" or "testing" })
        {
            return new(domain, Sts, [$"version: STSv1", $"mode: {sts.Mode}", .. sts.Mx.Select(m => "mx: " + m), $"max_age: {sts.MaxAgeSeconds}"], sts.Mx);
        }
        return new(domain, NoPolicyFound, [], []);
    }
}

/// <summary>The result types of RFC 8460 §4.3 (IANA "STARTTLS Validation Result Types").</summary>
internal static class TlsResultType
{
    public const string StartTlsNotSupported = "starttls-not-supported";
    public const string CertificateHostMismatch = "certificate-host-mismatch";
    public const string CertificateExpired = "certificate-expired";
    public const string CertificateNotTrusted = "certificate-not-trusted";
    public const string ValidationFailure = "validation-failure";
    public const string TlsaInvalid = "tlsa-invalid";
    public const string DnssecInvalid = "dnssec-invalid";
    public const string DaneRequired = "dane-required";
    public const string StsPolicyFetchError = "sts-policy-fetch-error";
    public const string StsPolicyInvalid = "sts-policy-invalid";
    public const string StsWebPkiInvalid = "sts-webpki-invalid";

    /// <summary>
    /// The result type of a certificate refusal by <see cref="CertificateVerifier"/> (its error text), or of a TLS
    /// failure without one (a handshake error: <see cref="ValidationFailure"/>).
    /// </summary>
    public static string OfCertificateError(string? error) => error switch
    {
        null => ValidationFailure,
        _ when error.StartsWith("certificate does not name", StringComparison.Ordinal) => CertificateHostMismatch,
        _ when error.StartsWith("no TLSA record matches", StringComparison.Ordinal) => CertificateHostMismatch,
        _ when error.StartsWith("certificate expired", StringComparison.Ordinal) => CertificateExpired,
        _ when error.Contains("not trusted", StringComparison.Ordinal) || error.Contains("does not chain", StringComparison.Ordinal) => CertificateNotTrusted,
        _ => ValidationFailure,
    };
}

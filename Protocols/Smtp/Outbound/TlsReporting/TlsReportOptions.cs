namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// The <c>Mail:Outbound:TlsReporting</c> section: SMTP TLS reporting (TLSRPT, RFC 8460) of outbound sessions to the
/// recipient domains that ask for it with a <c>_smtp._tls</c> TXT record.
/// </summary>
public sealed class TlsReportOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Outbound:TlsReporting";

    /// <summary>
    /// The address reports are sent from (RFC 8460 §5.3; its domain is the <c>TLS-Report-Submitter</c> and signs them
    /// with DKIM when it has a key). Empty (the default) = TLS reporting off: nothing is recorded or sent.
    /// </summary>
    public string Address { get; set; } = "";

    /// <summary>The report's <c>organization-name</c> (RFC 8460 §4.4); empty = the address's domain.</summary>
    public string Organization { get; set; } = "";

    /// <summary>The report's <c>contact-info</c>; empty = <see cref="Address"/>.</summary>
    public string Contact { get; set; } = "";

    /// <summary>
    /// Most policies (policy domain, type, policy text, mx) recorded per report period (default 10,000); sessions of
    /// further ones are not counted (<see cref="TlsReportRejectReason.TooManyPolicies"/>).
    /// </summary>
    public int MaxPolicies { get; set; } = 10_000;

    /// <summary>
    /// Most distinct <c>failure-details</c> entries per policy (default 100); further failures still count in the
    /// summary (<see cref="TlsReportRejectReason.TooManyFailureDetails"/>).
    /// </summary>
    public int MaxFailureDetails { get; set; } = 100;

    /// <summary>How often the counters are written to <c>{DataPath}/tlsrpt/</c>, in seconds (default 60; also at shutdown).</summary>
    public int SaveIntervalSeconds { get; set; } = 60;

    /// <summary>Timeout of one HTTPS report upload (<c>rua=https:</c>, RFC 8460 §5.4), in seconds (default 30).</summary>
    public int UploadTimeoutSeconds { get; set; } = 30;
}

/// <summary>Why a TLS session outcome was not recorded in full (each limit of <see cref="TlsReportOptions"/>).</summary>
public enum TlsReportRejectReason
{
    /// <summary><see cref="TlsReportOptions.MaxPolicies"/> reached: the session is not counted.</summary>
    TooManyPolicies,

    /// <summary><see cref="TlsReportOptions.MaxFailureDetails"/> reached: counted in the summary only.</summary>
    TooManyFailureDetails,
}

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// The <c>Mail:Outbound</c> section: delivery of the outbound queue (<see cref="OutboundQueueStore"/>).
/// Retry defaults follow Postfix (<c>minimal_backoff_time</c> 300 s, <c>maximal_backoff_time</c> 4000 s,
/// <c>maximal_queue_lifetime</c> 5 days).
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Outbound";

    /// <summary>
    /// DNS resolvers for MX/A/AAAA lookups, each <c>ip</c> or <c>ip:port</c> (<c>[v6]:port</c>); empty = the
    /// system's resolvers. Tests point this at an in-process DNS server.
    /// </summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>
    /// Transport map (Postfix <c>transport_maps</c>): recipient domain → <c>host:port</c> (or <c>host</c>, port
    /// <see cref="SmtpPort"/>), skipping MX lookup; key <c>*</c> is the smarthost for every other domain.
    /// </summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>User for AUTH at the smarthost (route <c>*</c>); empty = no AUTH.</summary>
    public string SmarthostUser { get; set; } = "";

    /// <summary>Password for AUTH at the smarthost.</summary>
    public string SmarthostPassword { get; set; } = "";

    /// <summary>TCP port for hosts found by MX or A/AAAA lookup. Default 25 (tests use the sink's port).</summary>
    public int SmtpPort { get; set; } = 25;

    /// <summary>Name sent in EHLO; empty = <c>Mail:HostName</c>.</summary>
    public string HeloName { get; set; } = "";

    /// <summary>First retry delay in seconds after a temporary failure (default 300); it doubles per attempt.</summary>
    public int FirstRetrySeconds { get; set; } = 300;

    /// <summary>Longest retry delay in seconds (default 4000).</summary>
    public int MaxRetrySeconds { get; set; } = 4000;

    /// <summary>Age in seconds after which undelivered recipients fail with <c>4.4.7</c> and a DSN (default 5 days).</summary>
    public int MaxQueueLifetimeSeconds { get; set; } = 5 * 24 * 3600;

    /// <summary>
    /// Age in seconds after which a sender whose message is still being retried gets one "delayed" DSN (Postfix
    /// <c>delay_warning_time</c>). Default 4 hours; 0 = never.
    /// </summary>
    public int DelayWarningSeconds { get; set; } = 4 * 3600;

    /// <summary>Concurrent SMTP connections over all destinations (default 20).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 20;

    /// <summary>Concurrent connections per destination domain (default 4, Postfix <c>default_destination_concurrency_limit</c> is 20 for a whole MTA).</summary>
    public int MaxConcurrentPerDomain { get; set; } = 4;

    /// <summary>Connect timeout per address in seconds (default 30).</summary>
    public int ConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>Timeout per SMTP command in seconds (default 300, RFC 5321 §4.5.3.2).</summary>
    public int CommandTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// How long an SMTP session stays open after a transaction for the next message to the same domain, in seconds
    /// (Postfix <c>smtp_connection_cache_time_limit</c>). Default 5; 0 = QUIT after every message.
    /// </summary>
    public int ConnectionCacheSeconds { get; set; } = 5;

    /// <summary>DNS query timeout in seconds (default 5).</summary>
    public int DnsTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// PEM files of extra root certificates trusted beside the system's when a next hop's certificate must be
    /// verified (MTA-STS enforce, REQUIRETLS) and for fetching MTA-STS policies: a private PKI, or tests.
    /// </summary>
    public List<string> TrustedRootCertificates { get; set; } = [];

    /// <summary>Looks up and applies MTA-STS policies (RFC 8461) of recipient domains. Default true.</summary>
    public bool MtaSts { get; set; } = true;

    /// <summary>
    /// Where MTA-STS policies are fetched, <c>host:port</c>, instead of <c>mta-sts.&lt;domain&gt;:443</c> (the
    /// HTTPS request still names <c>mta-sts.&lt;domain&gt;</c> for SNI, Host and the certificate check). Empty = the
    /// standard place; tests point it at an in-process HTTPS server.
    /// </summary>
    public string MtaStsPolicyEndpoint { get; set; } = "";

    /// <summary>Timeout for fetching one MTA-STS policy, in seconds (default 10; RFC 8461 §3.3 suggests about a minute at most).</summary>
    public int MtaStsFetchTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Uses DANE (RFC 7672): TLSA records of MX hosts, trusted only when the configured resolver sets the AD bit
    /// (it must validate DNSSEC, as for Postfix's <c>smtp_dns_support_level = dnssec</c>). Default true.
    /// </summary>
    public bool Dane { get; set; } = true;

    /// <summary>
    /// Recipient domains for which DANE is mandatory (RFC 7672 §6, by agreement with the receiving side, as Postfix's
    /// <c>dane-only</c> policy): an MX host of such a domain without DNSSEC-validated, usable TLSA records is not used
    /// (<c>451 4.7.5 DANE: ...</c>, counted as <c>dane-required</c> in TLS reports, RFC 8460 §4.3). Default none.
    /// </summary>
    public List<string> DaneRequiredDomains { get; set; } = [];
}

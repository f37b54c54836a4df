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
}

namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>
/// The <c>Mail:Filters:Quarantine</c> section: which recipient domains keep viruses and high-scoring spam in the
/// quarantine instead of refusing them, and how long quarantined messages are kept. Off for every domain by default.
/// </summary>
/// <remarks>
/// Example (viruses and spam from 12 points kept for example.com; viruses only for every other domain):
/// <code>
/// "Quarantine": {
///   "RetentionDays": 30,
///   "Domains": { "example.com": { "Viruses": true, "SpamScore": 12 }, "*": { "Viruses": true } }
/// }
/// </code>
/// A filter-tier setting (like amavisd-new's per-domain policy banks), not a directory attribute: it is read on
/// every message by the SMTP-in node and changes with the node's filter configuration.
/// </remarks>
public sealed class QuarantineOptions
{
    /// <summary>Per recipient domain (case-insensitive; <c>*</c> for every domain not listed): what is quarantined.</summary>
    public Dictionary<string, QuarantineDomainOptions> Domains { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Days a quarantined message is kept before it is deleted unreleased (and a released entry forgotten). Default 30.</summary>
    public double RetentionDays { get; set; } = 30;

    /// <summary>How often, in milliseconds, the SMTP-in node delivers the releases users and admins asked for. Default 1000.</summary>
    public int ReleasePollMilliseconds { get; set; } = 1000;

    /// <summary>How often, in minutes, expired entries are deleted. Default 60.</summary>
    public double PurgeIntervalMinutes { get; set; } = 60;

    /// <summary>Most entries one listing returns (webmail page, <c>admin quarantine list</c>). Default 500.</summary>
    public int MaxListed { get; set; } = 500;

    /// <summary>The settings for <paramref name="account"/>'s domain (or <c>*</c>), null when its domain does not quarantine.</summary>
    public QuarantineDomainOptions? For(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var at = account.LastIndexOf('@');
        var domain = at < 0 ? account : account[(at + 1)..];
        QuarantineDomainOptions? wildcard = null;
        foreach (var (name, settings) in Domains)
        {
            if (name.Equals(domain, StringComparison.OrdinalIgnoreCase))
            {
                return settings;
            }
            if (name == "*")
            {
                wildcard = settings;
            }
        }
        return wildcard;
    }

    /// <summary>The retention as a span.</summary>
    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}

/// <summary>One domain's quarantine settings (<c>Mail:Filters:Quarantine:Domains:DOMAIN</c>).</summary>
public sealed class QuarantineDomainOptions
{
    /// <summary>Keep messages a virus scanner flagged instead of refusing them with <c>554 5.7.1</c>. Default true.</summary>
    public bool Viruses { get; set; } = true;

    /// <summary>
    /// Spam score from which a message is kept instead of going to Junk or being refused with <c>550 5.7.1</c>;
    /// null (default): spam is never quarantined.
    /// </summary>
    public double? SpamScore { get; set; }
}

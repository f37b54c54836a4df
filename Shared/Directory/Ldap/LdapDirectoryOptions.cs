namespace Mail.Shared.Directory.Ldap;

/// <summary>
/// The LDAP directory backend (configuration section <c>Mail:Directory:Ldap</c>, used when
/// <c>Mail:Directory:Provider</c> is <c>Ldap</c>). Lookup rules and cache lifetimes are shared with the SQL
/// directory (<c>Mail:Directory</c>: MaxAliasDepth, RecipientDelimiter, PositiveCacheSeconds, NegativeCacheSeconds).
/// </summary>
public sealed class LdapDirectoryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Directory:Ldap";

    /// <summary>
    /// Servers as space-separated <c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c> URIs: the master
    /// first (all writes go there), then read-only replicas tried in order when the master is unreachable.
    /// </summary>
    public string Uri { get; set; } = "";

    /// <summary>Base DN; the directory keeps <c>ou=domains</c>, <c>ou=people</c> and <c>ou=aliases</c> below it
    /// (created on the first write when missing) and searches the whole subtree for addresses.</summary>
    public string BaseDn { get; set; } = "";

    /// <summary>Service account DN (simple bind). It must be able to read <c>userPassword</c> (passwords are
    /// verified in-process) and, on the master, to write the three containers.</summary>
    public string BindDn { get; set; } = "";

    /// <summary>Service account password.</summary>
    public string BindPassword { get; set; } = "";

    /// <summary>Time limit of one LDAP operation, connect included, in seconds (default 5).</summary>
    public int OperationTimeoutSeconds { get; set; } = 5;

    /// <summary>How long a server that failed is skipped before it is tried again, in seconds (default 5):
    /// the outage costs one failed connect per interval, not one per lookup.</summary>
    public int RetryIntervalSeconds { get; set; } = 5;

    /// <summary>Most open connections per server (default 8); more concurrent operations wait.</summary>
    public int MaxConnectionsPerServer { get; set; } = 8;

    /// <summary>
    /// How long a cached answer may still be served after its TTL when no server answers, in seconds
    /// (default 86400): reads survive a master outage of up to this long for addresses seen before.
    /// </summary>
    public int MaxStaleSeconds { get; set; } = 86400;

    /// <summary>Most cached addresses and domains (default 1,000,000; about 300 octets each); beyond it the oldest half is dropped.</summary>
    public int MaxCacheEntries { get; set; } = 1_000_000;
}

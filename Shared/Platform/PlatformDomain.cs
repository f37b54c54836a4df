namespace Mail.Shared.Platform;

/// <summary>A local virtual domain (table <c>Domains</c>).</summary>
public sealed class PlatformDomain
{
    /// <summary>Domain name, lower-case, no trailing dot; primary key (at most 253 characters, RFC 1035 §2.3.4).</summary>
    public required string Name { get; set; }

    /// <summary>When the domain was added (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
}

namespace Mail.Shared.Platform;

/// <summary>
/// An alias domain (table <c>DomainAliases</c>): <c>local@Alias</c> is looked up as <c>local@Domain</c>
/// (LDAP: a further <c>associatedDomain</c> value of the domain entry).
/// </summary>
public sealed class PlatformDomainAlias
{
    /// <summary>Alias domain name, lower-case, no trailing dot; primary key (at most 253 characters).</summary>
    public required string Alias { get; set; }

    /// <summary>Canonical domain; foreign key to <see cref="PlatformDomain.Name"/>.</summary>
    public required string Domain { get; set; }

    /// <summary>When the alias domain was added (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
}

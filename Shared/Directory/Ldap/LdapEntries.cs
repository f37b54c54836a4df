using System.DirectoryServices.Protocols;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Attribute and object class names the directory reads and writes (standard schema first, then deploy/ldap/mailplatform.schema).</summary>
internal static class LdapNames
{
    public const string ObjectClass = "objectClass";
    public const string Mail = "mail";
    public const string MailLocalAddress = "mailLocalAddress";
    public const string MailHost = "mailHost";
    public const string MailRoutingAddress = "mailRoutingAddress";
    public const string Cn = "cn";
    public const string Sn = "sn";
    public const string Uid = "uid";
    public const string Ou = "ou";
    public const string DisplayName = "displayName";
    public const string UserPassword = "userPassword";
    public const string Rfc822MailMember = "rfc822MailMember";
    public const string AssociatedDomain = "associatedDomain";
    public const string Quota = "mailPlatformQuota";
    public const string Status = "mailPlatformStatus";
    public const string DefaultQuota = "mailPlatformDefaultQuota";
    public const string DomainQuota = "mailPlatformDomainQuota";
    public const string CatchAll = "mailPlatformCatchAll";
    public const string ForwardCopy = "mailPlatformForwardCopy";

    public const string InetOrgPerson = "inetOrgPerson";
    public const string InetLocalMailRecipient = "inetLocalMailRecipient";
    public const string NisMailAlias = "nisMailAlias";
    public const string DomainClass = "mailPlatformDomain";
    public const string UserClass = "mailPlatformUser";

    public const string Active = "active";
    public const string Disabled = "disabled";

    public const string Domains = "domains";
    public const string People = "people";
    public const string Aliases = "aliases";

    public static readonly string[] AddressAttributes =
        [ObjectClass, Mail, MailLocalAddress, Cn, DisplayName, MailHost, MailRoutingAddress, ForwardCopy, Quota, Status, Rfc822MailMember, UserPassword];

    public static readonly string[] DomainAttributes = [Cn, AssociatedDomain, Status, DefaultQuota, DomainQuota, CatchAll];
}

/// <summary>One search result entry with case-insensitive attribute access (libldap returns the names lower-cased).</summary>
internal sealed class LdapEntry
{
    private readonly Dictionary<string, string[]> _attributes = new(StringComparer.OrdinalIgnoreCase);

    public LdapEntry(SearchResultEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Dn = entry.DistinguishedName;
        foreach (string name in entry.Attributes.AttributeNames)
        {
            var values = entry.Attributes[name].GetValues(typeof(string));
            _attributes[name] = [.. values.Cast<string>()];
        }
    }

    public string Dn { get; }

    public IReadOnlyList<string> All(string attribute) => _attributes.TryGetValue(attribute, out var values) ? values : [];

    public string? First(string attribute) => _attributes.TryGetValue(attribute, out var values) && values.Length > 0 ? values[0] : null;

    public bool Has(string attribute, string value) => All(attribute).Contains(value, StringComparer.OrdinalIgnoreCase);

    public bool IsA(string objectClass) => Has(LdapNames.ObjectClass, objectClass);

    /// <summary>True only for the LDAP Boolean <c>TRUE</c> (RFC 4517 §3.3.3).</summary>
    public bool Flag(string attribute) => string.Equals(First(attribute), "TRUE", StringComparison.OrdinalIgnoreCase);

    public long Long(string attribute) => long.TryParse(First(attribute), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    /// <summary>Absent status counts as active; anything but <c>active</c> is disabled.</summary>
    public bool Active => First(LdapNames.Status) is not { } s || string.Equals(s, LdapNames.Active, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What the directory holds for one exact (normalized) address.</summary>
/// <param name="User">The user whose primary <c>mail</c> is the address.</param>
/// <param name="UserDn">That user's DN.</param>
/// <param name="PasswordHash">That user's <c>userPassword</c> (first value that is not <c>{SCRAM-SHA-256}</c>), for in-process verification.</param>
/// <param name="RoutingAddress">That user's <c>mailRoutingAddress</c> (forwarding), normalized.</param>
/// <param name="AliasTargets">Targets when the address is an alias: <c>nisMailAlias</c> members, or the primary
/// address of a user that carries it as <c>mailLocalAddress</c>.</param>
internal sealed record LdapAddressEntry(DirectoryUser? User, string? UserDn, string? PasswordHash, string? RoutingAddress, IReadOnlyList<string> AliasTargets)
{
    /// <summary>That user's <c>{SCRAM-SHA-256}</c> <c>userPassword</c> value (RFC 5802 keys, Dovecot's format), if any.</summary>
    public string? ScramSha256 { get; init; }

    /// <summary>That user's <c>mailPlatformForwardCopy</c>: forwarded mail is also kept in the user's mailbox.</summary>
    public bool KeepCopy { get; init; }

    public static LdapAddressEntry None { get; } = new(null, null, null, null, []);

    public bool Found => User is not null || AliasTargets.Count > 0;
}

/// <summary>A mail domain as found by name or alias name.</summary>
/// <param name="Name">Canonical domain (the entry's <c>cn</c>); empty when not found.</param>
/// <param name="Active">False when the domain's status is not <c>active</c>.</param>
/// <param name="CatchAll">Address receiving mail for unknown local parts, normalized.</param>
/// <param name="DefaultQuota">Quota of new users, octets.</param>
internal sealed record LdapDomainEntry(string Name, bool Active, string? CatchAll, long DefaultQuota)
{
    public static LdapDomainEntry None { get; } = new("", false, null, 0);

    /// <summary>Storage quota of the whole domain (<c>mailPlatformDomainQuota</c>), octets; 0 = unlimited.</summary>
    public long Quota { get; init; }

    public bool Found => Name.Length > 0;
}

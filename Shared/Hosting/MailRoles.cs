namespace Mail.Shared.Hosting;

/// <summary>Role names a node can run (DESIGN.md "Roles").</summary>
public static class MailRoles
{
    public const string Web = "Web";
    public const string Admin = "Admin";
    public const string SmtpIn = "SmtpIn";
    public const string Submission = "Submission";
    public const string Outbound = "Outbound";
    public const string Mailbox = "Mailbox";
    public const string Proxy = "Proxy";

    /// <summary>Every role, in start order.</summary>
    public static IReadOnlyList<string> All { get; } = [Mailbox, SmtpIn, Submission, Outbound, Proxy, Web, Admin];

    /// <summary>Parses <see cref="MailOptions.Roles"/> (comma separated, case-insensitive, <c>all</c> or empty = every role).</summary>
    /// <exception cref="ArgumentException">An unknown role name.</exception>
    public static IReadOnlySet<string> Parse(string? roles)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(roles) || roles.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            set.UnionWith(All);
            return set;
        }
        foreach (var part in roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = All.FirstOrDefault(r => r.Equals(part, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown role '{part}'. Known roles: {string.Join(", ", All)}.", nameof(roles));
            set.Add(known);
        }
        return set;
    }
}

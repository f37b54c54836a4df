namespace Mail.Shared.Platform;

/// <summary>A virtual mail user of the built-in directory (table <c>Users</c>).</summary>
public sealed class PlatformUser
{
    /// <summary>Primary address, lower-case <c>local@domain</c>; primary key (at most 320 characters).</summary>
    public required string Address { get; set; }

    /// <summary>Domain part of <see cref="Address"/>; foreign key to <see cref="PlatformDomain.Name"/>.</summary>
    public required string Domain { get; set; }

    /// <summary>ASP.NET Core Identity password hash (salted PBKDF2, format V3, base64). Never a plaintext password.</summary>
    public required string PasswordHash { get; set; }

    /// <summary>
    /// SCRAM-SHA-256 keys (<see cref="Directory.Scram.ScramSha256Credential"/> text form, RFC 5802 §3), written with
    /// every new password; null for users whose password was set before SCRAM support (they get keys at their
    /// next successful password login).
    /// </summary>
    public string? ScramSha256 { get; set; }

    /// <summary>Display name, may be empty.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Mailbox node that stores the user (LDAP <c>mailHost</c>); empty means this node.</summary>
    public string MailHost { get; set; } = "";

    /// <summary>Storage quota in octets; 0 means unlimited.</summary>
    public long QuotaOctets { get; set; }

    /// <summary>False when the account is suspended (no login, no delivery).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the user was added (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
}

namespace Mail.Shared.Directory;

/// <summary>A virtual mail user as the directory knows it.</summary>
/// <param name="Address">Primary address, canonical lower-case (<c>alice@example.com</c>); also the
/// login name and the mailbox store's account key.</param>
/// <param name="DisplayName">Display name, may be empty.</param>
/// <param name="MailHost">Mailbox node that stores the user (LDAP <c>mailHost</c>); empty means this node.</param>
/// <param name="QuotaBytes">Storage quota in octets; 0 means unlimited.</param>
/// <param name="Enabled">False when the account is suspended (no login, no delivery).</param>
public sealed record DirectoryUser(string Address, string DisplayName, string MailHost, long QuotaBytes, bool Enabled);

using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Session;

/// <summary>
/// A mailbox name as the session resolved it: whose store it lives in, its name there, and the session
/// user's rights on it (RFC 4314). Own mailboxes carry <see cref="MailboxRights.All"/>.
/// </summary>
/// <param name="Store">The owner's account store.</param>
/// <param name="Owner">The owner's canonical address.</param>
/// <param name="StoreName">The name in the owner's store.</param>
/// <param name="Name">The name the client uses (<c>Other Users/owner/...</c> for shared mailboxes).</param>
/// <param name="Info">The mailbox, null when it does not exist.</param>
/// <param name="Rights">The session user's rights (<see cref="MailboxRights.None"/> when it does not exist and is shared).</param>
/// <param name="IsShared">The mailbox belongs to another user (a name in the "Other Users" namespace).</param>
public sealed record ImapMailboxTarget(IAccountStore Store, string Owner, string StoreName, string Name, MailboxInfo? Info, MailboxRights Rights, bool IsShared)
{
    /// <summary>True when every right in <paramref name="rights"/> is granted.</summary>
    public bool Has(MailboxRights rights) => (Rights & rights) == rights;
}

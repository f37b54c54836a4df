using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Acl;

/// <summary>
/// The "Other Users" namespace (RFC 2342 §5): the mailboxes other users of the same domain and mailbox
/// node shared with the session's user appear as <c>Other Users/&lt;owner address&gt;/&lt;owner's mailbox name&gt;</c>.
/// </summary>
/// <remarks>
/// The prefix is reserved: a personal mailbox named <c>Other Users</c> or below it cannot be created or
/// renamed to. The owner part must be the owner's primary address (any case; shown lower-case); the rest
/// is a name in the owner's store, looked up by exact name (never as a path), so <c>..</c> or another
/// user's address inside it reaches nothing outside that owner's mailboxes.
/// </remarks>
public static class ImapSharedNamespace
{
    /// <summary>The namespace root, shown as a \Noselect mailbox when something is shared with the user.</summary>
    public const string Root = "Other Users";

    /// <summary>The prefix advertised in NAMESPACE, with the delimiter.</summary>
    public const string Prefix = Root + "/";

    /// <summary>True when <paramref name="name"/> (store form) is the namespace root or inside it.</summary>
    public static bool IsShared(string name) =>
        name == Root || name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Splits a name inside the namespace into the owner (lower-cased) and the owner's mailbox name
    /// (empty for <c>Other Users/owner</c> itself). False for the root and for names outside the namespace.
    /// </summary>
    public static bool TrySplit(string name, out string owner, out string mailbox)
    {
        owner = "";
        mailbox = "";
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = name[Prefix.Length..];
        var slash = rest.IndexOf(MailboxName.Separator);
        owner = (slash < 0 ? rest : rest[..slash]).ToLowerInvariant();
        mailbox = slash < 0 ? "" : rest[(slash + 1)..];
        return owner.Length > 0;
    }

    /// <summary>The client-visible name of <paramref name="mailbox"/> of <paramref name="owner"/>.</summary>
    public static string Combine(string owner, string mailbox) =>
        mailbox.Length == 0 ? Prefix + owner : Prefix + owner + MailboxName.Separator + mailbox;
}

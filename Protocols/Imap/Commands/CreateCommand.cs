using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// CREATE mailbox [(USE (special-use))] (RFC 9051 §6.3.4, RFC 6154 §3). Authenticated or selected
/// state. A trailing <c>/</c> is dropped; missing parents are created. <c>NO [ALREADYEXISTS]</c>,
/// <c>NO [CANNOT]</c> for an invalid name or INBOX.
/// </summary>
public sealed class CreateCommand : ImapCommand
{
    public const string WireName = "CREATE";
    private string _mailbox = "";
    private SpecialUse _use;
    private bool _badUse;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox))
        {
            return false;
        }
        if (tokenizer.TryConsume((byte)' '))
        {
            if (!tokenizer.TryOpenList() || !tokenizer.TryKeyword("USE"u8) || !tokenizer.Space() || !tokenizer.TryOpenList())
            {
                return tokenizer.Fail("Expected (USE (...))");
            }
            var names = new List<string>();
            while (!tokenizer.TryCloseList())
            {
                if (names.Count > 0 && !tokenizer.Space())
                {
                    return false;
                }
                if (!tokenizer.TryConsume((byte)'\\') || !tokenizer.TryReadAtom(out var atom))
                {
                    return tokenizer.Fail("Expected a special-use attribute");
                }
                names.Add(System.Text.Encoding.ASCII.GetString(atom));
            }
            if (!tokenizer.TryCloseList())
            {
                return tokenizer.Fail("Expected )");
            }
            // RFC 6154 §3: one known special use per mailbox; anything else is NO [USEATTR].
            if (names.Count > 1 || (names.Count == 1 && (!Enum.TryParse<SpecialUse>(names[0], ignoreCase: true, out _use) || _use == SpecialUse.None)))
            {
                _badUse = true;
            }
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_badUse)
        {
            return ImapCommandResult.No("Unsupported special-use attribute", "USEATTR");
        }
        var name = _mailbox.TrimEnd(ImapMailboxName.Delimiter);
        if (name.Length == 0)
        {
            return ImapCommandResult.No("Invalid mailbox name", "CANNOT");
        }
        if (name == "INBOX")
        {
            return ImapCommandResult.No("INBOX already exists", "ALREADYEXISTS");
        }
        var store = session.Account!;
        var parentName = MailboxName.Normalize(name) is { } normalizedName ? MailboxName.Parents(normalizedName).LastOrDefault() : null;
        if (ImapSharedNamespace.IsShared(name))
        {
            if (await ResolveSharedParentAsync(session, name, cancellationToken) is not { } parent)
            {
                return ImapCommandHelpers.NoPermission(MailboxRights.CreateMailbox);
            }
            (store, name) = parent;
            parentName = MailboxName.Parents(name).Last();
        }
        var parentInfo = parentName is null ? null : await store.GetMailboxAsync(parentName, cancellationToken);
        var status = await store.CreateMailboxAsync(name, _use, cancellationToken);
        if (status == StoreStatus.Ok && await store.GetMailboxAsync(name, cancellationToken) is { } info)
        {
            if (parentInfo is not null)
            {
                // A new mailbox starts with its parent's ACL, so a subfolder of a shared folder is shared alike.
                await session.Server.Acl.InheritAsync(store.Account, parentInfo.Id, info.Id, CancellationToken.None);
            }
            return ImapCommandResult.Ok("CREATE completed", $"MAILBOXID ({ImapCommandHelpers.MailboxId(info.Id)})");
        }
        return ImapCommandHelpers.ToResult(status, "CREATE completed");
    }

    /// <summary>
    /// For a name in the "Other Users" namespace: the owner's store and the name there, when the user has
    /// right <c>k</c> on the existing parent mailbox (RFC 4314 §4). Null for the namespace levels, top-level
    /// names (the owner's root is not the user's to fill) and every other refusal, which all answer
    /// <c>NO [NOPERM]</c> so that nothing about the owner's mailboxes leaks.
    /// </summary>
    internal static async ValueTask<(IAccountStore Store, string Name)?> ResolveSharedParentAsync(ImapSession session, string name, CancellationToken cancellationToken)
    {
        if (!ImapSharedNamespace.TrySplit(name, out var owner, out var mailbox) || MailboxName.Normalize(mailbox) is not { } normalized)
        {
            return null;
        }
        var parentName = MailboxName.Parents(normalized).LastOrDefault();
        if (parentName is null)
        {
            return null;
        }
        var parent = await session.ResolveMailboxAsync(ImapSharedNamespace.Combine(owner, parentName), cancellationToken);
        return parent?.Info is not null && parent.Has(MailboxRights.CreateMailbox) ? (parent.Store, normalized) : null;
    }
}

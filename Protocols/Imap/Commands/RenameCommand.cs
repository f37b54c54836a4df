using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store.Acl;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// RENAME existing new (RFC 9051 §6.3.6): renames a mailbox and its children; renaming INBOX moves
/// its messages. Authenticated or selected state. <c>NO [NONEXISTENT]</c>, <c>NO [ALREADYEXISTS]</c>.
/// </summary>
public sealed class RenameCommand : ImapCommand
{
    public const string WireName = "RENAME";
    private string _from = "";
    private string _to = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _from)
        && tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _to);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var to = _to.TrimEnd(ImapMailboxName.Delimiter);
        if (to.Length == 0)
        {
            return ImapCommandResult.No("Invalid mailbox name", "CANNOT");
        }
        if (to == "INBOX")
        {
            return ImapCommandResult.No("INBOX already exists", "ALREADYEXISTS");
        }
        if (!ImapSharedNamespace.IsShared(_from) && !ImapSharedNamespace.IsShared(to))
        {
            var status = await session.Account!.RenameMailboxAsync(_from, to, cancellationToken);
            return ImapCommandHelpers.ToResult(status, "RENAME completed");
        }
        // A shared mailbox: RFC 4314 §4 needs x on the old name and k on the new parent; both in one owner's store.
        var source = await session.ResolveMailboxAsync(_from, cancellationToken);
        if (ImapCommandHelpers.Require(source, MailboxRights.DeleteMailbox) is { } denied)
        {
            return denied;
        }
        if (!source!.IsShared || !ImapSharedNamespace.TrySplit(to, out var owner, out _) || owner != source.Owner)
        {
            return ImapCommandResult.No("Cannot rename between users", "CANNOT");
        }
        if (await CreateCommand.ResolveSharedParentAsync(session, to, cancellationToken) is not { } target)
        {
            return ImapCommandHelpers.NoPermission(MailboxRights.CreateMailbox);
        }
        var result = await source.Store.RenameMailboxAsync(source.StoreName, target.Name, cancellationToken);
        return ImapCommandHelpers.ToResult(result, "RENAME completed");
    }
}

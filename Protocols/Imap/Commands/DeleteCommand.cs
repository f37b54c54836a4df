using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// DELETE mailbox (RFC 9051 §6.3.5). Authenticated or selected state. <c>NO [NONEXISTENT]</c>,
/// <c>NO [CANNOT]</c> for INBOX, <c>NO [HASCHILDREN]</c> when it has inferiors. Deleting the
/// selected mailbox deselects it.
/// </summary>
public sealed class DeleteCommand : ImapCommand
{
    public const string WireName = "DELETE";
    private string _mailbox = "";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_mailbox == "INBOX")
        {
            return ImapCommandResult.No("INBOX cannot be deleted", "CANNOT");
        }
        var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
        if (target is { IsShared: true } || target is null)
        {
            // RFC 4314 §4: DELETE needs x.
            if (ImapCommandHelpers.Require(target, MailboxRights.DeleteMailbox) is { } denied)
            {
                return denied;
            }
            if (MailboxName.IsInbox(target!.StoreName))
            {
                return ImapCommandResult.No("INBOX cannot be deleted", "CANNOT");
            }
        }
        var status = await target.Store.DeleteMailboxAsync(target.StoreName, cancellationToken);
        if (status == StoreStatus.Ok && target.Info is { } deleted)
        {
            // Grants are keyed by the never-reused mailbox id, so a lost purge cannot leak to a new mailbox of the same name.
            await session.Server.Acl.RemoveMailboxAsync(target.Owner, deleted.Id, CancellationToken.None);
        }
        if (status == StoreStatus.Ok && session.Selected is { } selected && ReferenceEquals(selected.Store, target.Store) && target.Info?.Id == selected.Id)
        {
            session.ClearSelected();
            return ImapCommandResult.Ok("DELETE completed") with { SkipSync = true };
        }
        return ImapCommandHelpers.ToResult(status, "DELETE completed");
    }
}

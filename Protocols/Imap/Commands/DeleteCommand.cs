using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

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
        var status = await session.Account!.DeleteMailboxAsync(_mailbox, cancellationToken);
        if (status == Store.StoreStatus.Ok && session.Selected?.Name == _mailbox)
        {
            session.ClearSelected();
            return ImapCommandResult.Ok("DELETE completed") with { SkipSync = true };
        }
        return ImapCommandHelpers.ToResult(status, "DELETE completed");
    }
}

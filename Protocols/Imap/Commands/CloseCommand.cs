using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// CLOSE (RFC 9051 §6.4.1): silently expunges \Deleted messages (unless the mailbox was opened
/// with EXAMINE) and returns to the Authenticated state. Selected state.
/// </summary>
public sealed class CloseCommand : ImapCommand
{
    public const string WireName = "CLOSE";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        session.ClearSelected();
        // RFC 4314 §4: CLOSE expunges only with right e, silently otherwise.
        if (!selected.ReadOnly && selected.Has(Store.Acl.MailboxRights.Expunge))
        {
            await selected.Store.ExpungeAsync(selected.Id, null, requireDeleted: true, cancellationToken);
        }
        return ImapCommandResult.Ok("CLOSE completed") with { SkipSync = true };
    }
}

using Mail.Protocols.Imap.Protocol;
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
        var status = await session.Account!.RenameMailboxAsync(_from, to, cancellationToken);
        return ImapCommandHelpers.ToResult(status, "RENAME completed");
    }
}

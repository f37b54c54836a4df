using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2): leaves the mailbox without expunging. Selected state.</summary>
public sealed class UnselectCommand : ImapCommand
{
    public const string WireName = "UNSELECT";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.ClearSelected();
        return ValueTask.FromResult(ImapCommandResult.Ok("UNSELECT completed") with { SkipSync = true });
    }
}

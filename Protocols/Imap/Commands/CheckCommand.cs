using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// CHECK (RFC 3501 §6.4.1; removed in RFC 9051 but still sent by IMAP4rev1 clients): a checkpoint.
/// Every change is already durable, so it only lets pending mailbox updates through, like NOOP.
/// Selected state.
/// </summary>
public sealed class CheckCommand : ImapCommand
{
    public const string WireName = "CHECK";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ImapCommandResult.Ok("CHECK completed"));
}

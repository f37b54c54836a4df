using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>IDLE (RFC 2177, RFC 9051 §6.3.13): real-time mailbox updates until DONE. Authenticated/selected state.</summary>
public sealed class IdleCommand : ImapCommand
{
    public const string WireName = "IDLE";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        session.IdleAsync(cancellationToken);
}

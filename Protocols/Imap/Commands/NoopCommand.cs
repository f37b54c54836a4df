using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>NOOP (RFC 9051 §6.1.2): does nothing but lets pending mailbox updates through. Any state.</summary>
public sealed class NoopCommand : ImapCommand
{
    public const string WireName = "NOOP";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ImapCommandResult.Ok("NOOP completed"));
}

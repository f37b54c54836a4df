using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): lists the capabilities for the current state. Any state.</summary>
public sealed class CapabilityCommand : ImapCommand
{
    public const string WireName = "CAPABILITY";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Out.Raw("* CAPABILITY "u8).Ascii(session.Capabilities()).Crlf();
        return ValueTask.FromResult(ImapCommandResult.Ok("CAPABILITY completed"));
    }
}

using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>LOGOUT (RFC 9051 §6.1.3): <c>* BYE</c>, tagged OK, then the connection closes. Any state.</summary>
public sealed class LogoutCommand : ImapCommand
{
    public const string WireName = "LOGOUT";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Out.Raw("* BYE Logging out\r\n"u8);
        return ValueTask.FromResult(ImapCommandResult.Ok("LOGOUT completed") with { Close = true, SkipSync = true });
    }
}

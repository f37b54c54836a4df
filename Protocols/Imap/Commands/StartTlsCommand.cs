using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// STARTTLS (RFC 9051 §6.2.1): after the tagged OK the session negotiates TLS. Not authenticated
/// state only; <c>BAD</c> when TLS is already active.
/// </summary>
public sealed class StartTlsCommand : ImapCommand
{
    public const string WireName = "STARTTLS";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        ValueTask.FromResult(session.IsTls
            ? ImapCommandResult.Bad("TLS is already active")
            : ImapCommandResult.Ok("Begin TLS negotiation now") with { StartTls = true });
}

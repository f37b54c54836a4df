using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): the personal namespace (prefix "", delimiter "/") and the
/// other users' namespace <c>Other Users/</c> (<see cref="Acl.ImapSharedNamespace"/>) where mailboxes
/// shared with the user appear. Authenticated/selected state.
/// </summary>
public sealed class NamespaceCommand : ImapCommand
{
    public const string WireName = "NAMESPACE";

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Out.Raw("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL\r\n"u8);
        return ValueTask.FromResult(ImapCommandResult.Ok("NAMESPACE completed"));
    }
}

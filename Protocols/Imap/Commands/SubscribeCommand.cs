using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>SUBSCRIBE mailbox (RFC 9051 §6.3.7): adds the name to the subscriptions. Authenticated or selected state.</summary>
public class SubscribeCommand : ImapCommand
{
    public const string WireName = "SUBSCRIBE";
    private string _mailbox = "";

    public override string Name => WireName;

    /// <summary>True to subscribe, false for UNSUBSCRIBE.</summary>
    protected virtual bool Subscribe => true;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var status = await session.Account!.SetSubscribedAsync(_mailbox, Subscribe, cancellationToken);
        return ImapCommandHelpers.ToResult(status, Name + " completed");
    }
}

/// <summary>UNSUBSCRIBE mailbox (RFC 9051 §6.3.8): removes the name from the subscriptions. Authenticated or selected state.</summary>
public sealed class UnsubscribeCommand : SubscribeCommand
{
    public new const string WireName = "UNSUBSCRIBE";

    public override string Name => WireName;

    protected override bool Subscribe => false;
}

using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// CREATE mailbox [(USE (special-use))] (RFC 9051 §6.3.4, RFC 6154 §3). Authenticated or selected
/// state. A trailing <c>/</c> is dropped; missing parents are created. <c>NO [ALREADYEXISTS]</c>,
/// <c>NO [CANNOT]</c> for an invalid name or INBOX.
/// </summary>
public sealed class CreateCommand : ImapCommand
{
    public const string WireName = "CREATE";
    private string _mailbox = "";
    private SpecialUse _use;
    private bool _badUse;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox))
        {
            return false;
        }
        if (tokenizer.TryConsume((byte)' '))
        {
            if (!tokenizer.TryOpenList() || !tokenizer.TryKeyword("USE"u8) || !tokenizer.Space() || !tokenizer.TryOpenList())
            {
                return tokenizer.Fail("Expected (USE (...))");
            }
            var names = new List<string>();
            while (!tokenizer.TryCloseList())
            {
                if (names.Count > 0 && !tokenizer.Space())
                {
                    return false;
                }
                if (!tokenizer.TryConsume((byte)'\\') || !tokenizer.TryReadAtom(out var atom))
                {
                    return tokenizer.Fail("Expected a special-use attribute");
                }
                names.Add(System.Text.Encoding.ASCII.GetString(atom));
            }
            if (!tokenizer.TryCloseList())
            {
                return tokenizer.Fail("Expected )");
            }
            // RFC 6154 §3: one known special use per mailbox; anything else is NO [USEATTR].
            if (names.Count > 1 || (names.Count == 1 && (!Enum.TryParse<SpecialUse>(names[0], ignoreCase: true, out _use) || _use == SpecialUse.None)))
            {
                _badUse = true;
            }
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_badUse)
        {
            return ImapCommandResult.No("Unsupported special-use attribute", "USEATTR");
        }
        var name = _mailbox.TrimEnd(ImapMailboxName.Delimiter);
        if (name.Length == 0)
        {
            return ImapCommandResult.No("Invalid mailbox name", "CANNOT");
        }
        if (name == "INBOX")
        {
            return ImapCommandResult.No("INBOX already exists", "ALREADYEXISTS");
        }
        var status = await session.Account!.CreateMailboxAsync(name, _use, cancellationToken);
        if (status == StoreStatus.Ok && await session.Account.GetMailboxAsync(name, cancellationToken) is { } info)
        {
            return ImapCommandResult.Ok("CREATE completed", $"MAILBOXID ({ImapCommandHelpers.MailboxId(info.Id)})");
        }
        return ImapCommandHelpers.ToResult(status, "CREATE completed");
    }
}

using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// SELECT mailbox (RFC 9051 §6.3.2): opens a mailbox read-write and reports FLAGS, EXISTS,
/// UIDVALIDITY, UIDNEXT, PERMANENTFLAGS (and RECENT/UNSEEN for IMAP4rev1 clients). Authenticated or
/// selected state; a previously selected mailbox is closed without expunge (<c>* OK [CLOSED]</c>).
/// <c>NO [NONEXISTENT]</c> for an unknown mailbox (the session is then in the Authenticated state).
/// </summary>
public class SelectCommand : ImapCommand
{
    public const string WireName = "SELECT";
    private string _mailbox = "";
    private bool _condStore;

    public override string Name => WireName;

    /// <summary>EXAMINE opens read-only.</summary>
    protected virtual bool ReadOnly => false;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox))
        {
            return false;
        }
        if (tokenizer.TryConsume((byte)' '))
        {
            // select-params (RFC 4466 §2.1): CONDSTORE (RFC 7162 §3.1.8).
            if (!tokenizer.TryOpenList())
            {
                return tokenizer.Fail("Expected select parameters");
            }
            var first = true;
            while (!tokenizer.TryCloseList())
            {
                if ((!first && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var atom))
                {
                    return false;
                }
                first = false;
                if (!System.Text.Encoding.ASCII.GetString(atom).Equals("CONDSTORE", StringComparison.OrdinalIgnoreCase))
                {
                    return tokenizer.Fail("Unknown select parameter");
                }
                _condStore = true;
            }
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (session.Selected is not null)
        {
            session.ClearSelected();
            if (session.Rev2)
            {
                session.Out.Raw("* OK [CLOSED] Previous mailbox closed\r\n"u8);
            }
        }
        var info = await session.Account!.GetMailboxAsync(_mailbox, cancellationToken);
        if (info is null)
        {
            return ImapCommandResult.No("No such mailbox", "NONEXISTENT");
        }
        if (_condStore)
        {
            await session.EnableCondStoreAsync(cancellationToken);
        }
        var selected = new ImapSelectedMailbox(info, ReadOnly, []);
        session.SetSelected(selected);
        var messages = new List<MessageRecord>(await session.Account.GetMessagesAsync(info.Id, cancellationToken));
        selected.Messages = messages;

        var o = session.Out;
        o.Raw("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft"u8);
        var keywords = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in messages)
        {
            keywords.UnionWith(m.Keywords);
        }
        foreach (var k in keywords)
        {
            o.Space().Ascii(k);
        }
        o.Raw(")\r\n"u8);
        o.Raw("* "u8).Number(messages.Count).Raw(" EXISTS\r\n"u8);
        var uids = messages.Select(m => m.Uid);
        int recent;
        if (ReadOnly)
        {
            recent = session.Server.Recent.CountUnclaimed(session.User!, info.Id, info.UidValidity, uids);
        }
        else
        {
            selected.Recent.UnionWith(session.Server.Recent.Claim(session.User!, info.Id, info.UidValidity, uids));
            recent = selected.Recent.Count;
        }
        if (!session.Rev2)
        {
            o.Raw("* "u8).Number(recent).Raw(" RECENT\r\n"u8);
            var firstUnseen = messages.FindIndex(m => (m.Flags & MessageFlags.Seen) == 0);
            if (firstUnseen >= 0)
            {
                o.Raw("* OK [UNSEEN "u8).Number(firstUnseen + 1).Raw("] First unseen\r\n"u8);
            }
        }
        var uidNext = Math.Max(info.UidNext, selected.MaxUid + 1);
        o.Raw("* OK [UIDVALIDITY "u8).Number(info.UidValidity).Raw("] UIDs valid\r\n"u8);
        o.Raw("* OK [UIDNEXT "u8).Number(uidNext).Raw("] Predicted next UID\r\n"u8);
        if (session.CondStore)
        {
            o.Raw("* OK [HIGHESTMODSEQ "u8).Number(Math.Max(info.HighestModSeq, messages.Count == 0 ? 1 : messages.Max(m => m.ModSeq))).Raw("] Highest\r\n"u8);
        }
        if (ReadOnly)
        {
            o.Raw("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"u8);
        }
        else
        {
            o.Raw("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"u8);
        }
        if (session.Rev2)
        {
            o.Raw("* LIST () \"/\" "u8);
            ImapCommandHelpers.WriteMailbox(session, info.Name);
            o.Crlf();
        }
        return ReadOnly
            ? ImapCommandResult.Ok(Name + " completed", "READ-ONLY")
            : ImapCommandResult.Ok(Name + " completed", "READ-WRITE");
    }
}

/// <summary>EXAMINE mailbox (RFC 9051 §6.3.3): SELECT, read-only. Authenticated or selected state.</summary>
public sealed class ExamineCommand : SelectCommand
{
    public new const string WireName = "EXAMINE";

    public override string Name => WireName;

    protected override bool ReadOnly => true;
}

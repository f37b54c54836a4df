using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// STATUS mailbox (items) (RFC 9051 §6.3.11): MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED,
/// SIZE (RFC 8438) and RECENT (IMAP4rev1: messages no session has seen as \Recent yet). Authenticated or selected state.
/// <c>NO [NONEXISTENT]</c> for an unknown mailbox.
/// </summary>
public sealed class StatusCommand : ImapCommand
{
    public const string WireName = "STATUS";
    private string _mailbox = "";
    private List<string> _items = [];

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _mailbox)
        && tokenizer.Space() && TryReadItems(ref tokenizer, out _items);

    /// <summary>Parses <c>(status-att ...)</c>.</summary>
    internal static bool TryReadItems(ref ImapTokenizer tokenizer, out List<string> items)
    {
        items = [];
        if (!tokenizer.TryOpenList())
        {
            return tokenizer.Fail("Expected a list of status items");
        }
        while (!tokenizer.TryCloseList())
        {
            if ((items.Count > 0 && !tokenizer.Space()) || !tokenizer.TryReadAtom(out var atom))
            {
                return false;
            }
            var item = Encoding.ASCII.GetString(atom).ToUpperInvariant();
            if (item is not ("MESSAGES" or "UIDNEXT" or "UIDVALIDITY" or "UNSEEN" or "DELETED" or "SIZE" or "RECENT" or "HIGHESTMODSEQ" or "DELETED-STORAGE" or "APPENDLIMIT" or "MAILBOXID"))
            {
                return tokenizer.Fail("Unknown status item " + item);
            }
            items.Add(item);
        }
        return items.Count > 0 || tokenizer.Fail("Empty status item list");
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        // RFC 4314 §4: STATUS needs r.
        var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken);
        if (ImapCommandHelpers.Require(target, MailboxRights.Read) is { } denied)
        {
            return denied;
        }
        await WriteStatusAsync(session, target!, _items, cancellationToken);
        return ImapCommandResult.Ok("STATUS completed");
    }

    /// <summary>Writes <c>* STATUS name (item value ...)</c>.</summary>
    internal static async ValueTask WriteStatusAsync(ImapSession session, ImapMailboxTarget target, IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        var info = target.Info!;
        var deleted = 0;
        var recent = 0;
        var deletedStorage = 0L;
        if (items.Contains("DELETED") || items.Contains("RECENT") || items.Contains("DELETED-STORAGE"))
        {
            var messages = await target.Store.GetMessagesAsync(info.Id, cancellationToken);
            deleted = messages.Count(m => (m.Flags & MessageFlags.Deleted) != 0);
            deletedStorage = messages.Where(m => (m.Flags & MessageFlags.Deleted) != 0).Sum(m => m.SizeOctets) / 1024;
            recent = session.Server.Recent.CountUnclaimed(target.Owner, info.Id, info.UidValidity, messages.Select(m => m.Uid));
        }
        var o = session.Out;
        o.Raw("* STATUS "u8);
        ImapCommandHelpers.WriteMailbox(session, target.Name);
        o.Raw(" ("u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                o.Space();
            }
            o.Ascii(items[i]).Space();
            switch (items[i])
            {
                case "MESSAGES": o.Number(info.Messages); break;
                case "UIDNEXT": o.Number(info.UidNext); break;
                case "UIDVALIDITY": o.Number(info.UidValidity); break;
                case "UNSEEN": o.Number(info.Unseen); break;
                case "DELETED": o.Number(deleted); break;
                case "SIZE": o.Number(info.SizeOctets); break;
                case "RECENT": o.Number(recent); break;
                case "HIGHESTMODSEQ": o.Number(info.HighestModSeq); break;
                case "DELETED-STORAGE": o.Number(deletedStorage); break;
                case "APPENDLIMIT": o.Number(session.Server.Options.Limits.MaxAppendOctets); break;
                case "MAILBOXID": o.Raw("("u8).Ascii(ImapCommandHelpers.MailboxId(info.Id)).Raw(")"u8); break;
                default: o.Number(0); break;
            }
        }
        o.Raw(")\r\n"u8);
    }
}

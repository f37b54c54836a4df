using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Imap.Session.Views;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// SELECT mailbox (RFC 9051 §6.3.2): opens a mailbox read-write and reports FLAGS, EXISTS,
/// UIDVALIDITY, UIDNEXT, PERMANENTFLAGS (and RECENT/UNSEEN for IMAP4rev1 clients). Authenticated or
/// selected state; a previously selected mailbox is closed without expunge (<c>* OK [CLOSED]</c>).
/// <c>NO [NONEXISTENT]</c> for an unknown mailbox (the session is then in the Authenticated state).
/// </summary>
public partial class SelectCommand : ImapCommand
{
    public const string WireName = "SELECT";
    private string _mailbox = "";
    private bool _condStore;
    private bool _qresync;
    private uint _qresyncUidValidity;
    private ulong _qresyncModSeq;
    private ImapSequenceSet? _qresyncKnownUids;

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
                var name = System.Text.Encoding.ASCII.GetString(atom).ToUpperInvariant();
                if (name == "CONDSTORE")
                {
                    _condStore = true;
                }
                else if (name == "QRESYNC")
                {
                    if (!TryReadQResync(ref tokenizer))
                    {
                        return false;
                    }
                }
                else
                {
                    return tokenizer.Fail("Unknown select parameter");
                }
            }
        }
        return true;
    }

    /// <summary>QRESYNC (uidvalidity mod-sequence [known-uids [(seq-match-data)]]) (RFC 7162 §3.2.5).</summary>
    private bool TryReadQResync(ref ImapTokenizer tokenizer)
    {
        if (!tokenizer.Space() || !tokenizer.TryOpenList() || !tokenizer.TryReadNumber(out var uidValidity) || !tokenizer.Space()
            || !tokenizer.TryReadNumber(out var modseq) || uidValidity is 0 or > uint.MaxValue || modseq == 0)
        {
            return tokenizer.Fail("Invalid QRESYNC parameter");
        }
        _qresync = true;
        _qresyncUidValidity = (uint)uidValidity;
        _qresyncModSeq = (ulong)modseq;
        if (tokenizer.TryConsume((byte)' '))
        {
            if (tokenizer.AtSequenceSet)
            {
                if (!tokenizer.TryReadSequenceSet(out var known))
                {
                    return false;
                }
                _qresyncKnownUids = known;
                tokenizer.TryConsume((byte)' ');
            }
            if (tokenizer.TryOpenList())
            {
                // seq-match-data only narrows what the server must report; all VANISHED UIDs are sent.
                if (!tokenizer.TryReadSequenceSet(out _) || !tokenizer.Space() || !tokenizer.TryReadSequenceSet(out _) || !tokenizer.TryCloseList())
                {
                    return tokenizer.Fail("Invalid QRESYNC sequence match data");
                }
            }
        }
        return tokenizer.TryCloseList() || tokenizer.Fail("Invalid QRESYNC parameter");
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (_qresync && !session.QResync)
        {
            return ImapCommandResult.Bad("QRESYNC is not enabled");
        }
        if (session.Selected is not null)
        {
            session.ClearSelected();
            if (session.Rev2 || session.QResync)
            {
                session.Out.Raw("* OK [CLOSED] Previous mailbox closed\r\n"u8);
            }
        }
        // Without the message counts: the view has them, and counting 100,000 rows is most of a SELECT's cost.
        var target = await session.ResolveMailboxAsync(_mailbox, cancellationToken, counts: false);
        if (ImapCommandHelpers.Require(target, MailboxRights.Read) is { } denied)
        {
            return denied;
        }
        var info = target!.Info!;
        if (_condStore)
        {
            await session.EnableCondStoreAsync(cancellationToken);
        }
        // RFC 4314 §4: without any of s, w, t, e nothing can change, so SELECT opens read-only.
        var readOnly = ReadOnly || (target.Rights & (MailboxRights.Seen | MailboxRights.Write | MailboxRights.DeleteMessages | MailboxRights.Expunge)) == 0;
        // The node's shared view of the mailbox: an unchanged mailbox costs no store access, a changed one its changes.
        var view = session.Server.Views.Acquire(target.Store, info.Id);
        var selected = new ImapSelectedMailbox(info, readOnly, target, view, session.Server.Views);
        session.SetSelected(selected);
        var snapshot = await view.GetCurrentAsync(cancellationToken);
        selected.Messages = new ImapMessageView(snapshot.Records, shared: true) { SortCache = snapshot.SortCache };
        var count = snapshot.Records.Length;

        var o = session.Out;
        o.Raw("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft"u8);
        foreach (var k in snapshot.Keywords)
        {
            o.Space().Ascii(k);
        }
        o.Raw(")\r\n"u8);
        o.Raw("* "u8).Number(count).Raw(" EXISTS\r\n"u8);
        int recent;
        if (readOnly)
        {
            var mark = session.Server.Recent.ClaimedMark(target.Owner, info.Id, info.UidValidity);
            recent = count - selected.Messages.LowerBound(mark == uint.MaxValue ? mark : mark + 1);
        }
        else
        {
            var (after, upTo) = session.Server.Recent.ClaimUpTo(target.Owner, info.Id, info.UidValidity, selected.MaxUid);
            selected.Recent.Add(after, upTo);
            recent = selected.Recent.CountIn(selected.Messages);
        }
        if (!session.Rev2)
        {
            o.Raw("* "u8).Number(recent).Raw(" RECENT\r\n"u8);
            var firstUnseen = snapshot.FirstUnseen;
            if (firstUnseen >= 0)
            {
                o.Raw("* OK [UNSEEN "u8).Number(firstUnseen + 1).Raw("] First unseen\r\n"u8);
            }
        }
        var uidNext = Math.Max(info.UidNext, selected.MaxUid + 1);
        o.Raw("* OK [UIDVALIDITY "u8).Number(info.UidValidity).Raw("] UIDs valid\r\n"u8);
        o.Raw("* OK [UIDNEXT "u8).Number(uidNext).Raw("] Predicted next UID\r\n"u8);
        o.Raw("* OK [MAILBOXID ("u8).Ascii(ImapCommandHelpers.MailboxId(info.Id)).Raw(")] Ok\r\n"u8);
        if (session.CondStore)
        {
            // The snapshot's own HIGHESTMODSEQ, read with its records: never ahead of what this view shows.
            o.Raw("* OK [HIGHESTMODSEQ "u8).Number(Math.Max(snapshot.HighestModSeq, 1UL)).Raw("] Highest\r\n"u8);
        }
        if (readOnly)
        {
            o.Raw("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"u8);
        }
        else if (target.Rights == MailboxRights.All)
        {
            o.Raw("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"u8);
        }
        else
        {
            WritePermanentFlags(o, target.Rights);
        }
        if (session.Rev2)
        {
            o.Raw("* LIST () \"/\" "u8);
            ImapCommandHelpers.WriteMailbox(session, target.Name);
            o.Crlf();
        }
        if (_qresync && info.UidValidity == _qresyncUidValidity)
        {
            await ResynchronizeAsync(session, selected, cancellationToken);
        }
        return readOnly
            ? ImapCommandResult.Ok(Name + " completed", "READ-ONLY")
            : ImapCommandResult.Ok(Name + " completed", "READ-WRITE");
    }
}

public partial class SelectCommand
{
    /// <summary>PERMANENTFLAGS for a shared mailbox: only the flags the rights let the user change (RFC 4314 §4).</summary>
    private static void WritePermanentFlags(ImapResponseWriter o, MailboxRights rights)
    {
        var flags = new List<string>();
        if ((rights & MailboxRights.Write) != 0)
        {
            flags.AddRange(["\\Answered", "\\Flagged", "\\Draft"]);
        }
        if ((rights & MailboxRights.DeleteMessages) != 0)
        {
            flags.Add("\\Deleted");
        }
        if ((rights & MailboxRights.Seen) != 0)
        {
            flags.Add("\\Seen");
        }
        if ((rights & MailboxRights.Write) != 0)
        {
            flags.Add("\\*");
        }
        o.Raw("* OK [PERMANENTFLAGS ("u8).Ascii(string.Join(' ', flags)).Raw(")] Flags permitted\r\n"u8);
    }

    /// <summary>
    /// The QRESYNC answer after the SELECT data (RFC 7162 §3.2.5.1): VANISHED (EARLIER) for known UIDs
    /// expunged since the client's MODSEQ, then FETCH (UID FLAGS MODSEQ) for messages changed since.
    /// </summary>
    private async ValueTask ResynchronizeAsync(ImapSession session, ImapSelectedMailbox selected, CancellationToken cancellationToken)
    {
        // "*" in known-uids reaches past the highest remaining UID (expunged UIDs above it count).
        var vanished = (await selected.Store.GetExpungedSinceAsync(selected.Id, _qresyncModSeq, cancellationToken))
            .Where(u => _qresyncKnownUids is null || _qresyncKnownUids.Contains(u, uint.MaxValue)).ToList();
        var o = session.Out;
        if (vanished.Count > 0)
        {
            o.Raw("* VANISHED (EARLIER) "u8).Ascii(ImapSequenceSet.Format(vanished)).Crlf();
        }
        for (var i = 0; i < selected.Messages.Count; i++)
        {
            var m = selected.Messages[i];
            if (m.ModSeq > _qresyncModSeq)
            {
                o.Raw("* "u8).Number(i + 1).Raw(" FETCH (UID "u8).Number(m.Uid).Raw(" FLAGS "u8);
                session.WriteFlags(m);
                o.Raw(" MODSEQ ("u8).Number(m.ModSeq).Raw("))\r\n"u8);
            }
        }
    }
}

/// <summary>EXAMINE mailbox (RFC 9051 §6.3.3): SELECT, read-only. Authenticated or selected state.</summary>
public sealed class ExamineCommand : SelectCommand
{
    public new const string WireName = "EXAMINE";

    public override string Name => WireName;

    protected override bool ReadOnly => true;
}

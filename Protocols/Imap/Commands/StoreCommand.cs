using System.Text;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// STORE sequence-set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags (RFC 9051 §6.4.6). Selected
/// state; <c>NO [READ-ONLY]</c> after EXAMINE. Without .SILENT the new flags come back as untagged
/// FETCH responses. <c>BAD</c> for a sequence number beyond the mailbox.
/// </summary>
public class StoreCommand : ImapCommand
{
    public const string WireName = "STORE";
    private ImapSequenceSet? _set;
    private FlagOperation _operation;
    private bool _silent;
    private MessageFlags _flags;
    private List<string> _keywords = [];
    private ulong? _unchangedSince;

    public override string Name => WireName;

    /// <summary>UID STORE: the set holds UIDs.</summary>
    protected virtual bool ByUid => false;

    public override bool AllowsExpunge => ByUid;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadSequenceSet(out _set) || !tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.TryOpenList())
        {
            if (!tokenizer.TryKeyword("UNCHANGEDSINCE"u8) || !tokenizer.Space() || !tokenizer.TryReadNumber(out var modseq) || !tokenizer.TryCloseList() || !tokenizer.Space())
            {
                return tokenizer.Fail("Invalid store modifier");
            }
            _unchangedSince = (ulong)modseq;
        }
        _operation = tokenizer.TryConsume((byte)'+') ? FlagOperation.Add : tokenizer.TryConsume((byte)'-') ? FlagOperation.Remove : FlagOperation.Replace;
        if (!tokenizer.TryReadWord(out var word))
        {
            return false;
        }
        var name = Encoding.ASCII.GetString(word).ToUpperInvariant();
        if (name is not ("FLAGS" or "FLAGS.SILENT"))
        {
            return tokenizer.Fail("Expected FLAGS or FLAGS.SILENT");
        }
        _silent = name == "FLAGS.SILENT";
        if (!tokenizer.Space())
        {
            return false;
        }
        if (tokenizer.Peek() == '(')
        {
            return ImapCommandHelpers.TryReadFlagList(ref tokenizer, out _flags, out _keywords);
        }
        _keywords = [];
        _flags = MessageFlags.None;
        do
        {
            if (!ImapCommandHelpers.TryReadFlag(ref tokenizer, ref _flags, _keywords))
            {
                return false;
            }
        }
        while (tokenizer.TryConsume((byte)' '));
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (_unchangedSince is not null)
        {
            await session.EnableCondStoreAsync(cancellationToken);
        }
        if (selected.ReadOnly)
        {
            return ImapCommandResult.No("Mailbox is read-only", "READ-ONLY");
        }
        // RFC 4314 §4: \Seen needs s, \Deleted needs t, other flags need w; FLAGS (replace) may clear any, so needs all three.
        var needed = _operation == FlagOperation.Replace
            ? Store.Acl.MailboxRights.Seen | Store.Acl.MailboxRights.DeleteMessages | Store.Acl.MailboxRights.Write
            : ImapCommandHelpers.RightsForFlags(_flags, _keywords.Count > 0);
        if (!selected.Has(needed))
        {
            return ImapCommandHelpers.NoPermission(needed & ~selected.Rights);
        }
        if (!selected.TryResolve(_set!, ByUid, out var indexes))
        {
            return ImapCommandResult.Bad("Invalid message sequence number");
        }
        var uids = indexes.Select(i => selected.Messages[i].Uid).ToList();
        if (uids.Count == 0)
        {
            return ImapCommandResult.Ok(Name + " completed");
        }
        var result = await selected.Store.UpdateFlagsAsync(selected.Id, uids, _operation, _flags, _keywords, _unchangedSince, cancellationToken);
        foreach (var changed in result.Changed)
        {
            var index = selected.IndexOfUid(changed.Uid);
            if (index >= 0)
            {
                selected.Messages[index] = changed;
            }
        }
        // With CONDSTORE even .SILENT reports the new MODSEQ of changed messages (RFC 7162 §3.2).
        var changedUids = result.Changed.Select(c => c.Uid).ToHashSet();
        if (!_silent || session.CondStore)
        {
            foreach (var uid in uids)
            {
                var index = selected.IndexOfUid(uid);
                if (index < 0 || (_silent && !changedUids.Contains(uid)))
                {
                    continue;
                }
                var record = selected.Messages[index];
                session.Out.Raw("* "u8).Number(index + 1).Raw(" FETCH ("u8);
                var separator = false;
                if (ByUid)
                {
                    session.Out.Raw("UID "u8).Number(record.Uid);
                    separator = true;
                }
                if (session.CondStore)
                {
                    session.Out.Raw(separator ? " MODSEQ ("u8 : "MODSEQ ("u8).Number(record.ModSeq).Raw(")"u8);
                    separator = true;
                }
                if (!_silent)
                {
                    session.Out.Raw(separator ? " FLAGS "u8 : "FLAGS "u8);
                    session.WriteFlags(record);
                }
                session.Out.Raw(")\r\n"u8);
            }
        }
        if (result.Failed.Count > 0)
        {
            var failed = result.Failed.Order().ToList();
            var set = ByUid ? ImapSequenceSet.Format(failed) : ImapSequenceSet.Format([.. failed.Select(u => (uint)(selected.IndexOfUid(u) + 1))]);
            return ImapCommandResult.Ok("Conditional STORE failed for some messages", "MODIFIED " + set);
        }
        return ImapCommandResult.Ok(Name + " completed");
    }
}

/// <summary>UID STORE (RFC 9051 §6.4.9): STORE addressed by UIDs. Selected state.</summary>
public sealed class UidStoreCommand : StoreCommand
{
    public new const string WireName = "UID STORE";

    public override string Name => WireName;

    protected override bool ByUid => true;
}

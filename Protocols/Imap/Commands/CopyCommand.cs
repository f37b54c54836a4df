using Mail.Protocols.Imap.Acl;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// COPY sequence-set mailbox (RFC 9051 §6.4.7, UIDPLUS RFC 4315 §3): copies messages with flags and
/// INTERNALDATE; <c>OK [COPYUID validity source-uids dest-uids]</c>, <c>NO [TRYCREATE]</c> for a
/// missing destination. Selected state. A copy into or out of Junk trains the user's spam filter
/// (<see cref="Filtering.Learning.JunkMoveLearning"/>).
/// </summary>
public partial class CopyCommand : ImapCommand
{
    public const string WireName = "COPY";
    private ImapSequenceSet? _set;
    private string _destination = "";

    public override string Name => WireName;

    /// <summary>UID form: the set holds UIDs.</summary>
    protected virtual bool ByUid => false;

    /// <summary>MOVE (RFC 6851) instead of COPY.</summary>
    protected virtual bool Move => false;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && tokenizer.TryReadSequenceSet(out _set)
        && tokenizer.Space() && ImapCommandHelpers.TryReadMailbox(ref tokenizer, session, out _destination);

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (Move && selected.ReadOnly)
        {
            return ImapCommandResult.No("Mailbox is read-only", "READ-ONLY");
        }
        // RFC 4314 §4 / RFC 6851 §3.3: MOVE takes the messages out of the source, which needs t and e there.
        if (Move && !selected.Has(MoveSourceRights))
        {
            return ImapCommandHelpers.NoPermission(MoveSourceRights & ~selected.Rights);
        }
        if (!selected.TryResolve(_set!, ByUid, out var indexes))
        {
            return ImapCommandResult.Bad("Invalid message sequence number");
        }
        var uids = indexes.Select(i => selected.Messages[i].Uid).ToList();
        if (uids.Count == 0)
        {
            return ImapCommandResult.Ok("No messages " + (Move ? "moved" : "copied"));
        }
        CopyResult result;
        if (!selected.IsShared && !ImapSharedNamespace.IsShared(_destination))
        {
            result = await session.Account!.CopyAsync(selected.Id, uids, _destination, Move, cancellationToken);
        }
        else
        {
            var target = await session.ResolveMailboxAsync(_destination, cancellationToken);
            if (target is { IsShared: false, Info: null })
            {
                return ImapCommandResult.No("No such mailbox", "TRYCREATE");
            }
            if (ImapCommandHelpers.Require(target, MailboxRights.Insert) is { } denied)
            {
                return denied;
            }
            result = await CopySharedAsync(selected, uids, target!, cancellationToken);
        }
        if (result.Status == StoreStatus.NoSuchMailbox)
        {
            return ImapCommandResult.No("No such mailbox", "TRYCREATE");
        }
        if (result.Status != StoreStatus.Ok)
        {
            return ImapCommandHelpers.ToResult(result.Status, "");
        }
        if (!selected.IsShared && !ImapSharedNamespace.IsShared(_destination) && session.Server.JunkLearning is { } learning && session.Server.Options.LearnFromJunkMoves && result.DestinationUids.Count > 0
            && await session.Account!.GetMailboxAsync(_destination, cancellationToken) is { } junkTarget)
        {
            learning.Observe(session.User!, selected.SpecialUse, junkTarget.SpecialUse, junkTarget.Id, result.DestinationUids);
        }
        string? code = result.SourceUids.Count > 0
            ? $"COPYUID {result.DestinationUidValidity} {ImapSequenceSet.Format(result.SourceUids)} {ImapSequenceSet.Format(result.DestinationUids)}"
            : null;
        if (!Move)
        {
            return ImapCommandResult.Ok("COPY completed", code);
        }
        // RFC 6851 §4.3: COPYUID in an untagged OK, then the EXPUNGEs, then the tagged OK.
        if (code is not null)
        {
            session.Out.Raw("* OK ["u8).Ascii(code).Raw("] Moved\r\n"u8);
        }
        var moved = new HashSet<uint>(result.SourceUids);
        var messages = selected.Messages;
        session.ReportExpunged(messages, Enumerable.Range(0, messages.Count).Where(i => moved.Contains(messages[i].Uid)).ToList());
        selected.Messages = messages.Without(moved);
        return ImapCommandResult.Ok("MOVE completed");
    }
}

/// <summary>UID COPY (RFC 9051 §6.4.9). Selected state.</summary>
public sealed class UidCopyCommand : CopyCommand
{
    public new const string WireName = "UID COPY";

    public override string Name => WireName;

    protected override bool ByUid => true;
}

/// <summary>MOVE sequence-set mailbox (RFC 6851, RFC 9051 §6.4.8): atomic copy + expunge of the source messages. Selected state.</summary>
public sealed class MoveCommand : CopyCommand
{
    public new const string WireName = "MOVE";

    public override string Name => WireName;

    protected override bool Move => true;
}

/// <summary>UID MOVE (RFC 6851 §3.2). Selected state.</summary>
public sealed class UidMoveCommand : CopyCommand
{
    public new const string WireName = "UID MOVE";

    public override string Name => WireName;

    protected override bool ByUid => true;

    protected override bool Move => true;
}

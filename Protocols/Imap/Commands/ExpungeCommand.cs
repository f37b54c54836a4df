using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// EXPUNGE (RFC 9051 §6.4.3): removes every \Deleted message and reports <c>* n EXPUNGE</c> for each.
/// Selected state; <c>NO [READ-ONLY]</c> after EXAMINE.
/// </summary>
public class ExpungeCommand : ImapCommand
{
    public const string WireName = "EXPUNGE";

    public override string Name => WireName;

    /// <summary>UIDs to restrict to (UID EXPUNGE), or null for all \Deleted messages.</summary>
    protected IReadOnlyList<uint>? Uids { get; set; }

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) => true;

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (selected.ReadOnly)
        {
            return ImapCommandResult.No("Mailbox is read-only", "READ-ONLY");
        }
        if (!selected.Has(Store.Acl.MailboxRights.Expunge))
        {
            return ImapCommandHelpers.NoPermission(Store.Acl.MailboxRights.Expunge);
        }
        var uids = ResolveUids(session);
        if (uids is { Count: 0 })
        {
            return ImapCommandResult.Ok(Name + " completed");
        }
        await selected.Store.ExpungeAsync(selected.Id, uids, requireDeleted: true, cancellationToken);
        // The store's change event marked the view dirty; the sync before the tagged reply sends the EXPUNGEs.
        selected.MarkDirty();
        return ImapCommandResult.Ok(Name + " completed");
    }

    /// <summary>The UIDs to expunge, null for all.</summary>
    protected virtual IReadOnlyList<uint>? ResolveUids(ImapSession session) => null;
}

/// <summary>UID EXPUNGE sequence-set (RFC 4315 §2.1, RFC 9051 §6.4.9): expunges only the listed \Deleted UIDs. Selected state.</summary>
public sealed class UidExpungeCommand : ExpungeCommand
{
    public new const string WireName = "UID EXPUNGE";
    private ImapSequenceSet? _set;

    public override string Name => WireName;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && tokenizer.TryReadSequenceSet(out _set);

    protected override IReadOnlyList<uint>? ResolveUids(ImapSession session)
    {
        var selected = session.Selected!;
        selected.TryResolve(_set!, byUid: true, out var indexes);
        return [.. indexes.Select(i => selected.Messages[i].Uid)];
    }
}

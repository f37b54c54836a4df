using Mail.Protocols.Imap.Session;
using Mail.Protocols.Store;
using Mail.Protocols.Store.Acl;

namespace Mail.Protocols.Imap.Commands;

// COPY/MOVE where the source or the destination is another user's mailbox (RFC 4314 §4).
public partial class CopyCommand
{
    /// <summary>The rights MOVE needs on its source: t and e.</summary>
    private const MailboxRights MoveSourceRights = MailboxRights.DeleteMessages | MailboxRights.Expunge;

    /// <summary>The destination rights that let a copy keep every flag (s, t, w).</summary>
    private const MailboxRights AllFlagRights = MailboxRights.Seen | MailboxRights.DeleteMessages | MailboxRights.Write;

    /// <summary>
    /// Copies (or moves) into <paramref name="target"/>. Within one store with every flag right it is the
    /// store's own atomic copy. Otherwise each message is appended to the destination with the flags the
    /// user may set there (the others are dropped silently, RFC 4314 §4) and the same INTERNALDATE; a
    /// failure removes what was appended, so the command is all-or-nothing for the destination. A move then
    /// expunges the sources; a crash between the two leaves the messages in both mailboxes, never in none.
    /// </summary>
    private async ValueTask<CopyResult> CopySharedAsync(ImapSelectedMailbox selected, List<uint> uids, ImapMailboxTarget target, CancellationToken cancellationToken)
    {
        var destination = target.Store;
        if (ReferenceEquals(selected.Store, destination) && target.Has(AllFlagRights))
        {
            return await destination.CopyAsync(selected.Id, uids, target.StoreName, Move, cancellationToken);
        }
        var records = uids.Select(u => selected.Messages[selected.IndexOfUid(u)]).ToList();
        var sourceUids = new List<uint>(records.Count);
        var destinationUids = new List<uint>(records.Count);
        uint uidValidity = 0;
        var keepKeywords = target.Has(MailboxRights.Write);
        foreach (var record in records)
        {
            await using var stream = await selected.Store.OpenMessageAsync(selected.Id, record.Uid, cancellationToken);
            if (stream is null)
            {
                continue; // expunged meanwhile
            }
            var flags = ImapCommandHelpers.AllowedFlags(record.Flags, target.Rights);
            var appended = await destination.AppendAsync(target.StoreName, stream, flags, keepKeywords ? record.Keywords : [], record.InternalDate, cancellationToken);
            if (appended.Status != StoreStatus.Ok)
            {
                if (destinationUids.Count > 0)
                {
                    await destination.ExpungeAsync(target.Info!.Id, destinationUids, requireDeleted: false, CancellationToken.None);
                }
                return new CopyResult(appended.Status, 0, [], []);
            }
            uidValidity = appended.UidValidity;
            sourceUids.Add(record.Uid);
            destinationUids.Add(appended.Uid);
        }
        if (Move && sourceUids.Count > 0)
        {
            await selected.Store.ExpungeAsync(selected.Id, sourceUids, requireDeleted: false, cancellationToken);
        }
        return new CopyResult(StoreStatus.Ok, uidValidity, sourceUids, destinationUids);
    }
}

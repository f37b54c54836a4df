using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

// CONTEXT=SEARCH (RFC 5267 §4): result updates of SEARCH RETURN (UPDATE).
public sealed partial class ImapSession
{
    /// <summary>
    /// Before the EXPUNGE responses of <paramref name="indexes"/>, reports <c>REMOVEFROM</c> for expunged
    /// messages that were in an update context, with their numbers as they are until the EXPUNGE.
    /// </summary>
    private void ReportExpungedFromContexts(IReadOnlyList<MessageRecord> snapshot, IReadOnlyCollection<int> indexes)
    {
        if (Selected is not { SearchUpdates.Count: > 0 } selected)
        {
            return;
        }
        foreach (var context in selected.SearchUpdates)
        {
            var removed = indexes.Where(i => context.Uids.Remove(snapshot[i].Uid)).Order().ToList();
            if (removed.Count > 0)
            {
                WriteContextUpdate(context, "REMOVEFROM", removed.Select(i => context.ByUid ? snapshot[i].Uid : (uint)(i + 1)));
            }
        }
    }

    /// <summary>Re-evaluates every update context against the snapshot and reports what left and what joined its result.</summary>
    private async ValueTask ReportContextUpdatesAsync(CancellationToken cancellationToken)
    {
        if (Selected is not { SearchUpdates.Count: > 0 } selected)
        {
            return;
        }
        var messages = selected.Messages;
        foreach (var context in selected.SearchUpdates)
        {
            var now = new HashSet<int>(await SearchCommand.MatchAsync(this, messages, context.Program, cancellationToken));
            var left = new List<uint>();
            var joined = new List<uint>();
            for (var i = 0; i < messages.Count; i++)
            {
                var uid = messages[i].Uid;
                var number = context.ByUid ? uid : (uint)(i + 1);
                var was = context.Uids.Contains(uid);
                if (was && !now.Contains(i))
                {
                    context.Uids.Remove(uid);
                    left.Add(number);
                }
                else if (!was && now.Contains(i))
                {
                    context.Uids.Add(uid);
                    joined.Add(number);
                }
            }
            if (left.Count > 0)
            {
                WriteContextUpdate(context, "REMOVEFROM", left);
            }
            if (joined.Count > 0)
            {
                WriteContextUpdate(context, "ADDTO", joined);
            }
        }
    }

    /// <summary><c>* ESEARCH (TAG "t") [UID] ADDTO|REMOVEFROM (0 set)</c>: position 0, an unsorted result (RFC 5267 §4.3).</summary>
    private void WriteContextUpdate(ImapSearchUpdate context, string kind, IEnumerable<uint> numbers)
    {
        Out.Raw("* ESEARCH (TAG "u8).String(context.Tag).Raw(")"u8);
        if (context.ByUid)
        {
            Out.Raw(" UID"u8);
        }
        Out.Space().Ascii(kind).Raw(" (0 "u8).Ascii(ImapSequenceSet.Format(numbers.Order().ToList())).Raw(")\r\n"u8);
    }
}

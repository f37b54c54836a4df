using Mail.Protocols.Imap.Commands;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): result updates of SEARCH and SORT RETURN (UPDATE).
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
            if (removed.Count == 0)
            {
                continue;
            }
            if (context.Sort is not null)
            {
                var numbers = removed.ToDictionary(i => snapshot[i].Uid, i => context.ByUid ? snapshot[i].Uid : (uint)(i + 1));
                WriteSortedRemovals(context, numbers);
                continue;
            }
            WriteContextUpdate(context, "REMOVEFROM", removed.Select(i => context.ByUid ? snapshot[i].Uid : (uint)(i + 1)));
        }
    }

    /// <summary>
    /// CONTEXT=SORT removals (RFC 5267 §4.3): one <c>position number</c> pair per message, from the highest position down
    /// so each position is valid when the client applies it; <paramref name="numbers"/> maps UID to the number to send.
    /// </summary>
    private void WriteSortedRemovals(ImapSearchUpdate context, Dictionary<uint, uint> numbers)
    {
        var pairs = new List<(int Position, uint Number)>();
        for (var p = context.Order.Count - 1; p >= 0; p--)
        {
            if (numbers.TryGetValue(context.Order[p], out var number))
            {
                pairs.Add((p + 1, number));
                context.Order.RemoveAt(p);
            }
        }
        WritePairs(context, "REMOVEFROM", pairs);
    }

    private void WritePairs(ImapSearchUpdate context, string kind, List<(int Position, uint Number)> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }
        Out.Raw("* ESEARCH (TAG "u8).String(context.Tag).Raw(")"u8);
        if (context.ByUid)
        {
            Out.Raw(" UID"u8);
        }
        Out.Space().Ascii(kind).Raw(" ("u8);
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                Out.Space();
            }
            Out.Number(pairs[i].Position).Space().Number(pairs[i].Number);
        }
        Out.Raw(")\r\n"u8);
    }

    /// <summary>
    /// A sorted context after a change: removals (descending positions), then the messages that joined, at their final
    /// positions in ascending order, so applying the pairs one by one rebuilds the new sorted result (RFC 5267 §4.3).
    /// </summary>
    private async ValueTask ReportSortedUpdateAsync(ImapSearchUpdate context, Views.ImapMessageView messages, List<int> now, CancellationToken cancellationToken)
    {
        var nowUids = now.Select(i => messages[i].Uid).ToHashSet();
        var left = context.Order.Where(u => !nowUids.Contains(u)).ToHashSet();
        var joined = nowUids.Where(u => !context.Uids.Contains(u)).ToHashSet();
        if (left.Count == 0 && joined.Count == 0)
        {
            return;
        }
        if (left.Count > 0)
        {
            WriteSortedRemovals(context, left.ToDictionary(u => u, u => context.ByUid ? u : (uint)(IndexOf(messages, u) + 1)));
            context.Uids.ExceptWith(left);
        }
        if (joined.Count > 0)
        {
            var sorted = await context.Sort!.OrderAsync(this, messages, now, cancellationToken);
            var pairs = new List<(int Position, uint Number)>();
            for (var p = 0; p < sorted.Count; p++)
            {
                var uid = messages[sorted[p]].Uid;
                if (joined.Contains(uid))
                {
                    pairs.Add((p + 1, context.ByUid ? uid : (uint)(sorted[p] + 1)));
                }
            }
            context.Order = sorted.ConvertAll(i => messages[i].Uid);
            context.Uids.UnionWith(joined);
            WritePairs(context, "ADDTO", pairs);
        }
    }

    private static int IndexOf(Views.ImapMessageView messages, uint uid) => messages.IndexOfUid(uid);

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
            var matched = await SearchCommand.MatchAsync(this, messages, context.Program, cancellationToken);
            if (context.Sort is not null)
            {
                await ReportSortedUpdateAsync(context, messages, matched, cancellationToken);
                continue;
            }
            var now = new HashSet<int>(matched);
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

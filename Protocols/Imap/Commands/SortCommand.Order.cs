using Mail.Protocols.Imap.Session;
using Mail.Protocols.Imap.Session.Views;
using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Commands;

// The sort itself (RFC 5256 §3): keys from the shared view's key cache (the store's index, never the message files once
// the keys are indexed), whole-mailbox orders cached on the shared snapshot.
public partial class SortCommand
{
    /// <summary>
    /// Puts <paramref name="matches"/> (ascending indexes into <paramref name="messages"/>, the selected snapshot) in this
    /// command's sort order; ties keep snapshot (sequence number) order. Also re-sorts a SORT RETURN (UPDATE) result (RFC 5267 §4).
    /// </summary>
    /// <remarks>
    /// On the shared snapshot the order of the whole mailbox is computed once per criteria and version of the messages
    /// (<see cref="ImapMailboxSnapshot.SortCache"/>, kept while only flags change) and a subset is that order filtered, so
    /// a webmail paging a 100,000-message folder with <c>SORT RETURN (PARTIAL a:b) (FROM)</c> sorts once, not per page.
    /// </remarks>
    internal async ValueTask<List<int>> OrderAsync(ImapSession session, IReadOnlyList<MessageRecord> messages, IReadOnlyList<int> matches, CancellationToken cancellationToken)
    {
        if (messages is ImapMessageView { SortCache: { } cache } view)
        {
            var key = string.Join(' ', _criteria.Select(c => c.Reverse ? "REVERSE " + c.Key : c.Key));
            cache.Orders.TryGetValue(key, out var order);
            // A small subset of a mailbox whose order is not cached yet is cheaper to sort alone.
            if (order is null && matches.Count >= messages.Count / 8)
            {
                var all = new int[messages.Count];
                for (var i = 0; i < all.Length; i++)
                {
                    all[i] = i;
                }
                var compare = await ComparerAsync(session, messages, all, cancellationToken);
                order = Derive(cache, key, view.Records, compare) ?? Sort(all, compare);
                cache.Orders.TryAdd(key, order);
            }
            if (order is not null)
            {
                return Filter(order, matches, messages.Count);
            }
        }
        var positions = matches as int[] ?? [.. matches];
        return [.. Sort(positions, await ComparerAsync(session, messages, positions, cancellationToken))];
    }

    /// <summary>Most new messages a version's order is derived with (one binary search and one insertion each); beyond, a full sort.</summary>
    private const int MaxDerivedInsertions = 4096;

    /// <summary>
    /// The order of <paramref name="records"/> made from the previous version's order for the same criteria, when there is
    /// one: survivors keep their relative order (their keys did not change, and sequence order is UID order in both
    /// versions), expunged positions drop out, and each new message is inserted where the comparator puts it (ties: after
    /// the lower sequence numbers, since new messages have the highest UIDs). Null when there is nothing to derive from.
    /// </summary>
    private static int[]? Derive(ImapSortOrders cache, string key, MessageRecord[] records, Comparison<int> compare)
    {
        if (cache.Previous is not { } previous || !previous.Orders.TryGetValue(key, out var old))
        {
            return null;
        }
        // Old position -> new position (-1 when expunged), by a merge of the two UID-ascending arrays.
        var before = previous.Records;
        var map = new int[before.Length];
        var present = new bool[records.Length];
        int i = 0, j = 0;
        while (i < before.Length)
        {
            while (j < records.Length && records[j].Uid < before[i].Uid)
            {
                j++;
            }
            map[i] = j < records.Length && records[j].Uid == before[i].Uid ? j : -1;
            if (map[i] >= 0)
            {
                present[j] = true;
            }
            i++;
        }
        var added = new List<int>();
        for (var p = 0; p < records.Length; p++)
        {
            if (!present[p])
            {
                added.Add(p);
            }
        }
        if (added.Count > MaxDerivedInsertions)
        {
            return null;
        }
        var order = new List<int>(records.Length);
        foreach (var p in old)
        {
            if (map[p] >= 0)
            {
                order.Add(map[p]);
            }
        }
        foreach (var p in added)
        {
            // Upper bound: the first position that sorts after p.
            int lo = 0, hi = order.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (compare(order[mid], p) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            order.Insert(lo, p);
        }
        return [.. order];
    }

    /// <summary>The positions of <paramref name="order"/> that are among <paramref name="matches"/>, in <paramref name="order"/>'s order.</summary>
    private static List<int> Filter(int[] order, IReadOnlyList<int> matches, int count)
    {
        if (matches.Count == count)
        {
            return [.. order];
        }
        var wanted = new bool[count];
        foreach (var m in matches)
        {
            wanted[m] = true;
        }
        var result = new List<int>(matches.Count);
        foreach (var p in order)
        {
            if (wanted[p])
            {
                result.Add(p);
            }
        }
        return result;
    }

    /// <summary>
    /// The comparator of this command's criteria over <paramref name="positions"/> (ascending indexes into
    /// <paramref name="messages"/>): compares two indexes into <paramref name="positions"/>, ties by index (message
    /// sequence number). Header keys come from the shared view's key cache.
    /// </summary>
    private async ValueTask<Comparison<int>> ComparerAsync(ImapSession session, IReadOnlyList<MessageRecord> messages, int[] positions, CancellationToken cancellationToken)
    {
        var n = positions.Length;
        var numbers = new long[_criteria.Count][];
        var strings = new string[_criteria.Count][];
        var keys = session.Selected!.View.SortKeys;
        for (var c = 0; c < _criteria.Count; c++)
        {
            switch (_criteria[c].Key)
            {
                case "ARRIVAL" or "SIZE":
                    var column = numbers[c] = new long[n];
                    var arrival = _criteria[c].Key == "ARRIVAL";
                    for (var i = 0; i < n; i++)
                    {
                        var record = messages[positions[i]];
                        column[i] = arrival ? record.InternalDate.UtcTicks : record.SizeOctets;
                    }
                    break;
                case "DATE":
                    numbers[c] = await keys.GetDatesAsync(messages, positions, cancellationToken);
                    break;
                default:
                    strings[c] = await keys.GetStringsAsync(messages, positions, Field(_criteria[c].Key), cancellationToken);
                    break;
            }
        }
        var criteria = _criteria.ToArray();
        return (x, y) =>
        {
            for (var c = 0; c < criteria.Length; c++)
            {
                // Strings are already mapped for i;ascii-casemap, so ordinal order is the comparator's order.
                var r = strings[c] is { } s ? string.CompareOrdinal(s[x], s[y]) : numbers[c][x].CompareTo(numbers[c][y]);
                if (r != 0)
                {
                    return criteria[c].Reverse ? -r : r;
                }
            }
            return x.CompareTo(y);
        };
    }

    /// <summary><paramref name="positions"/> in the order of <paramref name="compare"/> (which compares indexes into them).</summary>
    private static int[] Sort(int[] positions, Comparison<int> compare)
    {
        var n = positions.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        if (!IsSorted(order, compare))
        {
            // REVERSE ARRIVAL over ascending dates without ties: the positions backwards.
            Array.Reverse(order);
            if (!IsSorted(order, compare))
            {
                Array.Sort(order, compare);
            }
        }
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = positions[order[i]];
        }
        return result;
    }

    private static bool IsSorted(int[] order, Comparison<int> compare)
    {
        for (var i = 1; i < order.Length; i++)
        {
            if (compare(order[i - 1], order[i]) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The stored key a string criterion sorts by (RFC 5256 §3, RFC 5957 §3).</summary>
    private static SortKeyFields Field(string criterion) => criterion switch
    {
        "SUBJECT" => SortKeyFields.Subject,
        "FROM" => SortKeyFields.FromMailbox,
        "TO" => SortKeyFields.ToMailbox,
        "CC" => SortKeyFields.CcMailbox,
        "DISPLAYFROM" => SortKeyFields.FromDisplay,
        "DISPLAYTO" => SortKeyFields.ToDisplay,
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "Not a string sort criterion."),
    };
}

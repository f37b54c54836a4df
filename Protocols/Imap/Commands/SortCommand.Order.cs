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
        if (messages is ImapMessageView { SortCache: { } cache })
        {
            var key = string.Join(' ', _criteria.Select(c => c.Reverse ? "REVERSE " + c.Key : c.Key));
            cache.TryGetValue(key, out var order);
            // A small subset of a mailbox whose order is not cached yet is cheaper to sort alone.
            if (order is null && matches.Count >= messages.Count / 8)
            {
                var all = new int[messages.Count];
                for (var i = 0; i < all.Length; i++)
                {
                    all[i] = i;
                }
                order = [.. await SortAsync(session, messages, all, cancellationToken)];
                cache.TryAdd(key, order);
            }
            if (order is not null)
            {
                return Filter(order, matches, messages.Count);
            }
        }
        return await SortAsync(session, messages, matches, cancellationToken);
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

    /// <summary>Sorts <paramref name="positions"/> (ascending) by the criteria, ties by position (message sequence number).</summary>
    private async ValueTask<List<int>> SortAsync(ImapSession session, IReadOnlyList<MessageRecord> messages, IReadOnlyList<int> positions, CancellationToken cancellationToken)
    {
        var n = positions.Count;
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
        int CompareAt(int x, int y)
        {
            for (var c = 0; c < _criteria.Count; c++)
            {
                // Strings are already mapped for i;ascii-casemap, so ordinal order is the comparator's order.
                var r = strings[c] is { } s ? string.CompareOrdinal(s[x], s[y]) : numbers[c][x].CompareTo(numbers[c][y]);
                if (r != 0)
                {
                    return _criteria[c].Reverse ? -r : r;
                }
            }
            return x.CompareTo(y);
        }
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        if (!IsSorted(order, CompareAt))
        {
            // REVERSE ARRIVAL over ascending dates without ties: the positions backwards.
            Array.Reverse(order);
            if (!IsSorted(order, CompareAt))
            {
                Array.Sort(order, CompareAt);
            }
        }
        var result = new List<int>(n);
        foreach (var i in order)
        {
            result.Add(positions[i]);
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

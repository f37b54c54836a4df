namespace Mail.Protocols.Imap.Protocol;

/// <summary>One element of a sequence set; <see cref="Star"/> (0, never a valid number) stands for <c>*</c>.</summary>
public readonly record struct ImapSequenceRange(uint First, uint Last)
{
    /// <summary>The encoding of <c>*</c>: 4294967295 is a valid UID and must stay distinct from it.</summary>
    public const uint Star = 0;
}

/// <summary>
/// A parsed <c>sequence-set</c> (RFC 9051 §9): message sequence numbers or UIDs, with <c>*</c>
/// meaning the largest number in use. Ranges may be given in either order (<c>4:2</c> = <c>2:4</c>).
/// </summary>
public sealed class ImapSequenceSet
{
    public ImapSequenceSet(IReadOnlyList<ImapSequenceRange> ranges) => Ranges = ranges;

    /// <summary><c>$</c>: the result saved by SEARCH RETURN (SAVE) (SEARCHRES, RFC 5182 §2.1).</summary>
    public static ImapSequenceSet Saved { get; } = new([]) { IsSaved = true };

    /// <summary>This is <c>$</c>; it is resolved against the session's saved UIDs, not <see cref="Ranges"/>.</summary>
    public bool IsSaved { get; private init; }

    /// <summary>The ranges as written.</summary>
    public IReadOnlyList<ImapSequenceRange> Ranges { get; }

    /// <summary>True when <paramref name="value"/> is in the set, <c>*</c> resolving to <paramref name="star"/>.</summary>
    public bool Contains(uint value, uint star)
    {
        foreach (var r in Ranges)
        {
            var a = r.First == ImapSequenceRange.Star ? star : r.First;
            var b = r.Last == ImapSequenceRange.Star ? star : r.Last;
            if (a > b)
            {
                (a, b) = (b, a);
            }
            if (value >= a && value <= b)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Formats ascending values compactly (<c>1:3,7</c>), as in COPYUID/APPENDUID (RFC 4315). Ascending input has no
    /// descending runs, so this is <see cref="FormatInOrder"/>.
    /// </summary>
    public static string Format(IReadOnlyList<uint> values) => FormatInOrder(values);

    /// <summary>
    /// Formats values in the order given (a SORT result, RFC 5267 §3.1 ALL) as a sequence-set whose runs of consecutive
    /// values, ascending or (three or more) descending, become ranges: <c>7,5:3,9:12</c>; a reverse-ARRIVAL list of a whole mailbox is
    /// one range <c>100000:1</c>. Reading the ranges in their written direction gives back the order.
    /// </summary>
    public static string FormatInOrder(IReadOnlyList<uint> values)
    {
        var sb = new System.Text.StringBuilder();
        var i = 0;
        while (i < values.Count)
        {
            var start = values[i];
            var end = start;
            if (i + 1 < values.Count && start != uint.MaxValue && values[i + 1] == start + 1)
            {
                while (i + 1 < values.Count && end != uint.MaxValue && values[i + 1] == end + 1)
                {
                    end = values[++i];
                }
            }
            else if (i + 2 < values.Count && start > 1 && values[i + 1] == start - 1 && values[i + 2] == start - 2)
            {
                // Descending runs of three or more only: "3,2" is as short as "3:2" and needs no reading in order.
                while (i + 1 < values.Count && end != 0 && values[i + 1] == end - 1)
                {
                    end = values[++i];
                }
            }
            if (sb.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(start.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (end != start)
            {
                sb.Append(':').Append(end.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            i++;
        }
        return sb.ToString();
    }
}

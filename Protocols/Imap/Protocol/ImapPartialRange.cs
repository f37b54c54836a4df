using System.Globalization;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>
/// A PARTIAL range (RFC 9394 §4): <c>partial-range-first = nz-number ":" nz-number</c> counts results from the first
/// (1 is the first result), <c>partial-range-last = "-" nz-number ":" "-" nz-number</c> from the last (-1 is the last
/// result). Either end may come first (<c>500:400</c> is <c>400:500</c>); <c>*</c>, 0 and mixed signs are invalid.
/// Used by the SEARCH/SORT return option (RFC 9394 §3.1, RFC 5267 §4.4) and the UID FETCH modifier (RFC 9394 §3.3).
/// </summary>
/// <param name="First">The first number as the client wrote it (without the sign).</param>
/// <param name="Last">The second number as the client wrote it (without the sign).</param>
/// <param name="FromEnd">True for <c>partial-range-last</c> (negative positions).</param>
public readonly record struct ImapPartialRange(uint First, uint Last, bool FromEnd)
{
    /// <summary>Parses the atom <c>m:n</c> or <c>-m:-n</c>; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ImapPartialRange range)
    {
        range = default;
        var colon = text.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }
        var left = text[..colon];
        var right = text[(colon + 1)..];
        var negative = left.Length > 0 && left[0] == (byte)'-';
        if (negative != (right.Length > 0 && right[0] == (byte)'-'))
        {
            return false;
        }
        if (negative)
        {
            left = left[1..];
            right = right[1..];
        }
        if (!TryReadNzNumber(left, out var first) || !TryReadNzNumber(right, out var last))
        {
            return false;
        }
        range = new ImapPartialRange(first, last, negative);
        return true;
    }

    /// <summary>nz-number: a digit 1-9 then digits, a non-zero 32-bit value.</summary>
    private static bool TryReadNzNumber(ReadOnlySpan<byte> digits, out uint value)
    {
        value = 0;
        if (digits.Length == 0 || digits[0] is < (byte)'1' or > (byte)'9')
        {
            return false;
        }
        ulong n = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            n = (n * 10) + (uint)(d - '0');
            if (n > uint.MaxValue)
            {
                return false;
            }
        }
        value = (uint)n;
        return true;
    }

    /// <summary>
    /// The requested range for the response (RFC 9394 §3.1), smaller magnitude first as Dovecot writes it
    /// (<c>4:2</c> → <c>2:4</c>, <c>-50:-1</c> → <c>-1:-50</c>).
    /// </summary>
    public override string ToString()
    {
        var (low, high) = (Math.Min(First, Last), Math.Max(First, Last));
        return FromEnd
            ? string.Create(CultureInfo.InvariantCulture, $"-{low}:-{high}")
            : string.Create(CultureInfo.InvariantCulture, $"{low}:{high}");
    }

    /// <summary>
    /// The zero-based slice of a result list of <paramref name="count"/> entries this range selects: positions beyond the
    /// results are dropped (RFC 9394 §3.1), so <c>Length</c> is 0 when none is in range (answered with NIL).
    /// </summary>
    public (int Start, int Length) Slice(int count)
    {
        long low = Math.Min(First, Last), high = Math.Max(First, Last);
        long start, end; // zero-based, inclusive
        if (FromEnd)
        {
            start = count - high;
            end = count - low;
        }
        else
        {
            start = low - 1;
            end = high - 1;
        }
        start = Math.Max(start, 0);
        end = Math.Min(end, count - 1L);
        return end < start ? (0, 0) : ((int)start, (int)(end - start + 1));
    }
}

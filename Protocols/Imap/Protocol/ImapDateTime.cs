using System.Globalization;
using System.Text;

namespace Mail.Protocols.Imap.Protocol;

/// <summary>IMAP date and date-time syntax (RFC 9051 §9: <c>date</c>, <c>date-time</c>).</summary>
public static class ImapDateTime
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Formats INTERNALDATE: <c>"dd-Mon-yyyy hh:mm:ss +zzzz"</c> (day space-padded), quoted.</summary>
    public static string Format(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        var sb = new StringBuilder(28);
        sb.Append('"').Append(value.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2, ' ')).Append('-').Append(Months[value.Month - 1]).Append('-')
          .Append(value.Year.ToString("D4", CultureInfo.InvariantCulture)).Append(' ')
          .Append(value.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(' ').Append(sign)
          .Append(offset.Hours.ToString("D2", CultureInfo.InvariantCulture)).Append(offset.Minutes.ToString("D2", CultureInfo.InvariantCulture)).Append('"');
        return sb.ToString();
    }

    /// <summary>Parses a date-time (without quotes): <c>d-Mon-yyyy hh:mm:ss +zzzz</c>.</summary>
    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !TryParseDate(parts[0], out var date))
        {
            return false;
        }
        if (!TimeSpan.TryParseExact(parts[1], "hh\\:mm\\:ss", CultureInfo.InvariantCulture, out var time))
        {
            return false;
        }
        var zone = parts[2];
        if (zone.Length != 5 || zone[0] is not ('+' or '-') || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hh)
            || !int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mm) || hh > 14 || mm > 59)
        {
            return false;
        }
        var offset = new TimeSpan(hh, mm, 0);
        if (zone[0] == '-')
        {
            offset = -offset;
        }
        value = new DateTimeOffset(date.Add(time), offset);
        return true;
    }

    /// <summary>Parses a date: <c>d-Mon-yyyy</c>.</summary>
    public static bool TryParseDate(string text, out DateTime date)
    {
        date = default;
        var parts = text.Split('-');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return false;
        }
        var month = Array.FindIndex(Months, m => m.Equals(parts[1], StringComparison.OrdinalIgnoreCase)) + 1;
        if (month == 0 || year < 1 || year > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
        return true;
    }
}

using System.Globalization;

namespace Mail.Web.Components.Mailbox;

/// <summary>Formatting of dates and sizes in the mail views (the request culture, short forms).</summary>
internal static class Display
{
    /// <summary>"14:05" today, "3 Mar" this year, "3 Mar 2021" before; empty when unknown.</summary>
    public static string Date(DateTimeOffset? date, TimeProvider clock)
    {
        if (date is not { } d)
        {
            return "";
        }
        var now = clock.GetUtcNow().ToOffset(d.Offset);
        return d.Date == now.Date ? d.ToString("HH:mm", CultureInfo.CurrentCulture)
            : d.Year == now.Year ? d.ToString("d MMM", CultureInfo.CurrentCulture)
            : d.ToString("d MMM yyyy", CultureInfo.CurrentCulture);
    }

    /// <summary>Full date for the message header, e.g. "Tue, 10 Jun 2025 12:00 +00:00".</summary>
    public static string LongDate(DateTimeOffset? date) =>
        date is { } d ? d.ToString("ddd, d MMM yyyy HH:mm zzz", CultureInfo.CurrentCulture) : "";

    /// <summary>"812 B", "4.2 KB", "1.5 MB" (binary multiples).</summary>
    public static string Size(long octets) => octets switch
    {
        < 1024 => octets.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (octets / 1024.0).ToString(octets < 10 * 1024 ? "0.0" : "0", CultureInfo.InvariantCulture) + " KB",
        _ => (octets / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };
}

using System.Globalization;
using Ical.Net.DataTypes;
using IcalCalendar = Ical.Net.Calendar;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>An attendee of an invitation.</summary>
/// <param name="Name">Common name (CN), empty when none.</param>
/// <param name="Address">Calendar user address without <c>mailto:</c>.</param>
/// <param name="Status">PARTSTAT (<c>NEEDS-ACTION</c>, <c>ACCEPTED</c>, <c>DECLINED</c>, <c>TENTATIVE</c>), upper case; empty when none.</param>
public sealed record WebmailCalendarAttendee(string Name, string Address, string Status);

/// <summary>One event of a calendar part, as the invitation card shows it. Every string is untrusted and rendered escaped.</summary>
/// <param name="Method">The calendar's METHOD (RFC 5546 §1.4): <c>REQUEST</c>, <c>CANCEL</c>, <c>REPLY</c>, <c>PUBLISH</c>, ...; upper case, empty when none.</param>
/// <param name="Title">SUMMARY, empty when none.</param>
/// <param name="Start">DTSTART as an instant; null when missing or unparseable.</param>
/// <param name="End">DTEND (or DTSTART + DURATION) as an instant; null when neither.</param>
/// <param name="AllDay">True for DATE values (no time of day): shown as dates, never shifted by time zone.</param>
/// <param name="Location">LOCATION, empty when none.</param>
/// <param name="OrganizerName">ORGANIZER's CN, empty when none.</param>
/// <param name="OrganizerAddress">ORGANIZER without <c>mailto:</c>, empty when none.</param>
/// <param name="Attendees">ATTENDEE entries, at most <see cref="WebmailCalendar.MaxAttendees"/>.</param>
/// <param name="MoreAttendees">Attendees beyond that cap.</param>
/// <param name="Recurrence">The first RRULE (RFC 5545 §3.3.10), or null for a single event.</param>
public sealed record WebmailCalendarEvent(
    string Method, string Title, DateTimeOffset? Start, DateTimeOffset? End, bool AllDay, string Location,
    string OrganizerName, string OrganizerAddress, IReadOnlyList<WebmailCalendarAttendee> Attendees, int MoreAttendees,
    RecurrenceRule? Recurrence);

/// <summary>
/// Calendar invitations in mail (iMIP, RFC 6047): finds the text/calendar parts of a message and parses them with
/// Ical.Net into <see cref="WebmailCalendarEvent"/>s for the invitation card. Nothing of the calendar is ever rendered
/// as markup: the card prints its fields as escaped text, so script, SVG or HTML inside SUMMARY, DESCRIPTION, ALTREP
/// or X- properties (the CVE-2026-8496 class) stays inert.
/// </summary>
public static class WebmailCalendar
{
    /// <summary>Largest calendar part parsed, in characters; bigger ones are listed as attachments only.</summary>
    public const int MaxPartChars = 256 * 1024;

    /// <summary>Calendar parts of one message read at most.</summary>
    public const int MaxParts = 4;

    /// <summary>Events shown per calendar part.</summary>
    public const int MaxEvents = 10;

    /// <summary>Attendees listed per event.</summary>
    public const int MaxAttendees = 50;

    /// <summary>The text of each text/calendar part of <paramref name="message"/> up to <see cref="MaxParts"/>, skipping those over <see cref="MaxPartChars"/>.</summary>
    public static IReadOnlyList<string> PartsOf(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return [.. message.BodyParts.OfType<TextPart>()
            .Where(p => p.ContentType.IsMimeType("text", "calendar"))
            .Select(p => p.Text ?? "")
            .Where(t => t.Length is > 0 and <= MaxPartChars)
            .Take(MaxParts)];
    }

    /// <summary>The events of calendar text <paramref name="ics"/>; empty when it does not parse or has no VEVENT.</summary>
    public static IReadOnlyList<WebmailCalendarEvent> Parse(string ics)
    {
        IcalCalendar? calendar;
        try
        {
            calendar = IcalCalendar.Load(ics);
        }
        catch (Exception ex) when (ex is System.Runtime.Serialization.SerializationException or FormatException or ArgumentException or InvalidOperationException)
        {
            return [];
        }
        if (calendar is null)
        {
            return [];
        }
        var method = (calendar.Method ?? "").Trim().ToUpperInvariant();
        return [.. calendar.Events.Take(MaxEvents).Select(e =>
        {
            var start = Instant(e.DtStart);
            var end = e.DtEnd is not null ? Instant(e.DtEnd) : start is { } s && e.Duration is { } d ? s + d.ToTimeSpanUnspecified() : null;
            var attendees = e.Attendees ?? [];
            return new WebmailCalendarEvent(
                method,
                e.Summary ?? "",
                start,
                end,
                e.DtStart is { HasTime: false },
                e.Location ?? "",
                e.Organizer?.CommonName ?? "",
                AddressOf(e.Organizer?.Value),
                [.. attendees.Take(MaxAttendees).Select(a => new WebmailCalendarAttendee(
                    a.CommonName ?? "", AddressOf(a.Value), (a.ParticipationStatus ?? "").ToUpperInvariant()))],
                Math.Max(0, attendees.Count - MaxAttendees),
                e.RecurrenceRule);
        })];
    }

    /// <summary>
    /// A short English-neutral summary of <paramref name="rule"/> for the card, e.g. <c>WEEKLY ×2 MO,WE until 2027-01-31</c>;
    /// the card localizes the frequency word.
    /// </summary>
    public static (string Frequency, int Interval, string Days, int? Count, DateTimeOffset? Until) Describe(RecurrenceRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var days = string.Join(", ", rule.ByDay.Select(d => CultureInfo.CurrentCulture.DateTimeFormat.GetAbbreviatedDayName(d.DayOfWeek)));
        return (rule.Frequency.ToString(), Math.Max(1, rule.Interval), days, rule.Count, rule.Until is null ? null : Instant(rule.Until));
    }

    private static DateTimeOffset? Instant(CalDateTime? value)
    {
        if (value is null)
        {
            return null;
        }
        if (!value.HasTime)
        {
            // A date: midnight "as written", never shifted into another zone.
            return new DateTimeOffset(value.Value.Date, TimeSpan.Zero);
        }
        try
        {
            // Floating times (no zone) are taken as UTC; zoned and UTC times convert exactly.
            return new DateTimeOffset(value.IsFloating ? DateTime.SpecifyKind(value.Value, DateTimeKind.Utc) : value.AsUtc, TimeSpan.Zero);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string AddressOf(Uri? uri)
    {
        if (uri is null)
        {
            return "";
        }
        var text = uri.OriginalString;
        return text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
    }
}

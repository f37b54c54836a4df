using MimeKit;
using MimeKit.Utils;

namespace Mail.Protocols.Store;

/// <summary>Which fields of <see cref="MessageSortKeys"/> a reader asks for (<see cref="IAccountStore.GetSortKeysAsync"/>).</summary>
[Flags]
public enum SortKeyFields
{
    None = 0,
    SentDate = 1,
    Subject = 2,
    FromMailbox = 4,
    FromDisplay = 8,
    ToMailbox = 16,
    ToDisplay = 32,
    CcMailbox = 64,
    All = SentDate | Subject | FromMailbox | FromDisplay | ToMailbox | ToDisplay | CcMailbox,
}

/// <summary>
/// The header values IMAP SORT orders by (RFC 5256 §3, RFC 5957 §3), taken once from the message's header when it is
/// stored (delivery, APPEND; a COPY shares its file's row) and kept in the index (<c>sort_keys</c>, StoreSchema v6),
/// so sorting a large mailbox reads no message file. Values are as decoded, before any comparator mapping.
/// </summary>
/// <param name="SentDate">The Date header in UTC, or null when missing or unparsable (SORT then uses INTERNALDATE).</param>
/// <param name="Subject">The Subject header with RFC 2047 words decoded ("" when none); SORT takes its base subject.</param>
/// <param name="FromMailbox">addr-mailbox (local part) of the first From address, a group's name for a group, "" when none.</param>
/// <param name="FromDisplay">Display name of the first From address, else its addr-spec (RFC 5957 §3.1), "" when none.</param>
/// <param name="ToMailbox">As <paramref name="FromMailbox"/> for To.</param>
/// <param name="ToDisplay">As <paramref name="FromDisplay"/> for To.</param>
/// <param name="CcMailbox">As <paramref name="FromMailbox"/> for Cc.</param>
public sealed partial record MessageSortKeys(DateTimeOffset? SentDate, string Subject, string FromMailbox, string FromDisplay, string ToMailbox, string ToDisplay, string CcMailbox)
{
    /// <summary>The keys of a message without a parsable header: every string empty, no date.</summary>
    public static MessageSortKeys Empty { get; } = new(null, "", "", "", "", "", "");

    /// <summary>Takes the keys from a parsed header section (null: <see cref="Empty"/>).</summary>
    public static MessageSortKeys FromHeaders(HeaderList? headers)
    {
        if (headers is null)
        {
            return Empty;
        }
        DateTimeOffset? date = headers[HeaderId.Date] is { } text && HasValidTime(text) && DateUtils.TryParse(text, out var parsed) ? parsed.ToUniversalTime() : null;
        var from = First(headers, HeaderId.From);
        var to = First(headers, HeaderId.To);
        return new MessageSortKeys(date, headers[HeaderId.Subject] ?? "", Mailbox(from), Display(from), Mailbox(to), Display(to), Mailbox(First(headers, HeaderId.Cc)));
    }

    /// <summary>Reads the header section of a message stream (positioned at its start) and takes the keys; <see cref="Empty"/> when it does not parse.</summary>
    public static async Task<MessageSortKeys> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return FromHeaders(await new MimeParser(stream, MimeFormat.Entity).ParseHeadersAsync(cancellationToken));
        }
        catch (FormatException)
        {
            return Empty;
        }
    }

    /// <summary>
    /// False when the first time of day in a Date header is out of range (<c>59:10</c>, <c>27:39:33</c>): MimeKit's lenient
    /// parser rolls such a time over into another day, but the date "cannot be parsed" (RFC 5256 §2.2, so INTERNALDATE
    /// stands in), as Dovecot decides too.
    /// </summary>
    private static bool HasValidTime(string text)
    {
        var match = TimeOfDay().Match(text);
        return !match.Success || (int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) <= 23
            && int.Parse(match.Groups[2].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) <= 59
            && (!match.Groups[3].Success || int.Parse(match.Groups[3].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) <= 60));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\b")]
    private static partial System.Text.RegularExpressions.Regex TimeOfDay();

    /// <summary>addr-mailbox of an address (RFC 5256 §3): the local part; for a group, its name (the ENVELOPE start-of-group entry).</summary>
    private static string Mailbox(InternetAddress? address) => address switch
    {
        MailboxAddress m => m.LocalPart ?? "",
        GroupAddress g => g.Name ?? "",
        _ => "",
    };

    /// <summary>Display name, else the addr-spec; a group's name (RFC 5957 §3.1).</summary>
    private static string Display(InternetAddress? address) => address switch
    {
        MailboxAddress m => string.IsNullOrEmpty(m.Name) ? m.Address ?? "" : m.Name,
        GroupAddress g => g.Name ?? "",
        _ => "",
    };

    private static InternetAddress? First(HeaderList headers, HeaderId id)
    {
        var header = headers.FirstOrDefault(h => h.Id == id);
        return header is not null && InternetAddressList.TryParse(header.RawValue, out var list) ? list.FirstOrDefault() : null;
    }
}

/// <summary>One message's stored sort keys (<see cref="IAccountStore.GetSortKeysAsync"/>).</summary>
/// <param name="Uid">The message's UID.</param>
/// <param name="Keys">The keys with the fields asked for (the others empty), or null when not stored yet (the background
/// backfill after a schema upgrade has not reached the message): the reader computes them from the message itself.</param>
public readonly record struct MessageSortEntry(uint Uid, MessageSortKeys? Keys);

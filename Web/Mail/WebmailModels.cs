using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>Role of a folder from its RFC 6154 special-use attribute (or INBOX).</summary>
public enum WebmailFolderRole
{
    Other,
    Inbox,
    Drafts,
    Sent,
    Archive,
    Junk,
    Trash,
}

/// <summary>A folder in the folder list.</summary>
/// <param name="FullName">IMAP mailbox name (decoded), used in URLs.</param>
/// <param name="Name">Last hierarchy level, shown to the user.</param>
/// <param name="Depth">Hierarchy depth, 0 for top level.</param>
/// <param name="Role">Special use.</param>
/// <param name="Unread">Messages without <c>\Seen</c> (STATUS UNSEEN).</param>
/// <param name="Total">Messages in the folder (STATUS MESSAGES).</param>
/// <param name="Selectable">False for <c>\Noselect</c> containers.</param>
public sealed record WebmailFolder(string FullName, string Name, int Depth, WebmailFolderRole Role, int Unread, int Total, bool Selectable);

/// <summary>One row of a message list.</summary>
/// <param name="Uid">IMAP UID in the folder.</param>
/// <param name="From">Sender display text (name, else address).</param>
/// <param name="Subject">Decoded subject, empty when none.</param>
/// <param name="Date">INTERNALDATE (when the message arrived: the order of the list's Date sort, RFC 9051 §2.3.3), else the Date header;
/// a message written in 1996 and delivered today is shown today, where the list sorts it.</param>
/// <param name="Size">RFC822.SIZE in octets.</param>
/// <param name="Seen">Has <c>\Seen</c>.</param>
/// <param name="Flagged">Has <c>\Flagged</c>.</param>
/// <param name="HasAttachments">BODYSTRUCTURE has an attachment part.</param>
public sealed record WebmailMessageSummary(uint Uid, string From, string Subject, DateTimeOffset? Date, long Size, bool Seen, bool Flagged, bool HasAttachments);

/// <summary>A page of a folder's messages, newest (highest UID) first.</summary>
/// <param name="Folder">The folder.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageCount">Number of pages, at least 1.</param>
/// <param name="Total">Messages in the folder.</param>
/// <param name="Messages">This page's rows.</param>
public sealed record WebmailMessagePage(string Folder, int Page, int PageCount, int Total, IReadOnlyList<WebmailMessageSummary> Messages);

/// <summary>An attachment of an opened message.</summary>
/// <param name="Index">Position among the message's attachments (download key).</param>
/// <param name="FileName">File name to offer, never empty.</param>
/// <param name="ContentType">MIME type, e.g. <c>application/pdf</c>.</param>
/// <param name="Size">Decoded size in octets.</param>
public sealed record WebmailAttachment(int Index, string FileName, string ContentType, long Size);

/// <summary>An opened message as the message view shows it.</summary>
public sealed record WebmailMessage
{
    public required string Folder { get; init; }
    public required uint Uid { get; init; }
    public required string Subject { get; init; }
    public required string From { get; init; }

    /// <summary>The first From address (no display name), for the remote-image allow-list; empty when none.</summary>
    public string FromAddress { get; init; } = "";
    public required string To { get; init; }
    public required string Cc { get; init; }
    public required DateTimeOffset? Date { get; init; }

    /// <summary>The text/plain body, null when the message has none.</summary>
    public required string? TextBody { get; init; }

    /// <summary>True when the message has a text/html body (shown sanitized in a sandboxed frame).</summary>
    public required bool HasHtmlBody { get; init; }

    /// <summary>True when sanitizing the HTML body removed remote images, backgrounds, styles or fonts.</summary>
    public required bool RemoteContentBlocked { get; init; }

    /// <summary>True when the message is over <see cref="WebmailOptions.MaxMessageOctets"/>: headers only, no body.</summary>
    public required bool TooLarge { get; init; }

    public required IReadOnlyList<WebmailAttachment> Attachments { get; init; }

    /// <summary>The message's header fields (MimeKit), for authentication results, the verdict record and List-Unsubscribe; null when <see cref="TooLarge"/>.</summary>
    public HeaderList? Headers { get; init; }

    /// <summary>The text of each text/calendar part (RFC 5545), in message order; empty when none.</summary>
    public IReadOnlyList<string> Calendars { get; init; } = [];

    /// <summary>True when the message carries <c>\Flagged</c> (the star) as it was opened.</summary>
    public bool Flagged { get; init; }
}

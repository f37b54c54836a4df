using MailKit.Security;

namespace Mail.Web.Webmail;

/// <summary>
/// The <c>Mail:Webmail</c> configuration section: where the webmail reaches IMAP and the limits of
/// what it shows.
/// </summary>
public sealed class WebmailOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Webmail";

    /// <summary>
    /// IMAP host the webmail logs in to. Empty (default) means the Mailbox role of this process:
    /// the endpoint the IMAP listener bound (<c>MailEndpoints.Bound("Imap")</c>), else the configured one.
    /// </summary>
    public string ImapHost { get; set; } = "";

    /// <summary>IMAP port used with <see cref="ImapHost"/>; default 143.</summary>
    public int ImapPort { get; set; } = 143;

    /// <summary>
    /// Transport security towards IMAP. <see cref="SecureSocketOptions.Auto"/> (default) means none on a
    /// loopback address (the all-in-one case) and STARTTLS otherwise.
    /// </summary>
    public SecureSocketOptions ImapSecurity { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Timeout of one IMAP command, in seconds; default 30.</summary>
    public int ImapTimeoutSeconds { get; set; } = 30;

    /// <summary>Messages per page of a message list; default 50, 1..500.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// Page message lists on the server with PARTIAL (RFC 9394) when it offers it (default true): a list reads only its
    /// length and the rows on screen, never the whole folder's UIDs. False makes the webmail ignore PARTIAL and read each
    /// list's UIDs whole with ESORT/ESEARCH (what it does anyway on a server without PARTIAL).
    /// </summary>
    public bool ServerPaging { get; set; } = true;

    /// <summary>Largest inline (<c>cid:</c>) image embedded in an HTML body, in octets; default 2 MiB. Bigger ones are dropped.</summary>
    public int MaxInlineImageOctets { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest message the webmail downloads to display, in octets (RFC822.SIZE); default 50 MiB.</summary>
    public long MaxMessageOctets { get; set; } = 50L * 1024 * 1024;

    /// <summary>Idle time after which a signed-in session expires, in minutes (sliding); default 480.</summary>
    public int SessionIdleMinutes { get; set; } = 480;

    /// <summary>
    /// Time after sign-in at which a session ends however active it is (absolute timeout), in hours; default 168 (7 days),
    /// 0 turns it off. See <c>WebmailSessionLifetime</c>.
    /// </summary>
    public int SessionAbsoluteHours { get; set; } = 168;

    /// <summary>
    /// IMAP endpoint as <c>host:port</c> (<c>[v6]:port</c>; port 143 when left out), the issue's <c>Mail:Webmail:Imap</c>.
    /// When set it takes precedence over <see cref="ImapHost"/> and <see cref="ImapPort"/>.
    /// </summary>
    public string Imap { get; set; } = "";

    /// <summary>
    /// Parses a <c>host:port</c> endpoint (<c>[v6]:port</c> too; <paramref name="defaultPort"/> when no port is given).
    /// </summary>
    /// <returns>The host (brackets removed) and port.</returns>
    public static (string Host, int Port) ParseEndpoint(string text, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        var colon = text.LastIndexOf(':');
        var bracket = text.LastIndexOf(']');
        // A bare IPv6 address has colons but no port: only "[v6]:port" or "host:port" (one colon) carry one.
        var hasPort = colon > 0 && colon > bracket && (bracket >= 0 || text.IndexOf(':') == colon);
        if (hasPort && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            return (text[..colon].Trim('[', ']'), port);
        }
        return (text.Trim('[', ']'), defaultPort);
    }

    /// <summary>
    /// Submission endpoint the webmail sends through, as <c>host:port</c> (RFC 6409). Empty (default) means the
    /// Submission role of this process (the endpoint the listener bound), else the configured <c>Submission</c> endpoint.
    /// </summary>
    public string Submission { get; set; } = "";

    /// <summary>
    /// Transport security towards Submission. <see cref="SecureSocketOptions.Auto"/> (default) means STARTTLS
    /// (Submission refuses AUTH without TLS); the certificate must validate, or be this node's own
    /// certificate when Submission runs in the same process.
    /// </summary>
    public SecureSocketOptions SubmissionSecurity { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Largest message the composer sends or saves, in octets including attachments; default 25 MiB.</summary>
    public int MaxComposeOctets { get; set; } = 25 * 1024 * 1024;

    /// <summary>Undo-send window when the user has not chosen one, in seconds (5..30); default 10.</summary>
    public int UndoSendSeconds { get; set; } = 10;

    /// <summary>How often the outbox looks for due messages, in milliseconds; default 1000.</summary>
    public int OutboxPollMilliseconds { get; set; } = 1000;

    /// <summary>How long a scheduled message may keep failing transiently before it is given up, in hours; default 48.</summary>
    public int OutboxMaxRetryHours { get; set; } = 48;

    /// <summary>
    /// Most signed-in sessions whose IMAP connections this node keeps open (<see cref="WebmailConnectionPool"/>); default 1000.
    /// Each pooled session holds one command connection plus one push connection (NOTIFY or IDLE).
    /// When full, the least recently used idle session is closed; when none is idle, a new session's IMAP operations fail
    /// with <see cref="WebmailFailure.TooManySessions"/> (shown as "temporarily unavailable").
    /// </summary>
    public int PoolMaxSessions { get; set; } = 1000;

    /// <summary>
    /// How long a pooled session's IMAP connections stay open after its last request or circuit ended, in seconds;
    /// default 300. Signing out closes them at once.
    /// </summary>
    public int PoolIdleSeconds { get; set; } = 300;

    /// <summary>
    /// How long a pooled session's command connection may go without a command before it is logged out, in seconds,
    /// even while a page holds the session (an open tab); default 60, 0 = only with the session
    /// (<see cref="PoolIdleSeconds"/>). The next operation reconnects (one login). Push is unaffected: it has a
    /// connection of its own. Frees the connection's client and server state of idle sessions.
    /// </summary>
    public int PoolConnectionIdleSeconds { get; set; } = 60;

    /// <summary>
    /// Folders whose lists one session follows by push at a time (open in several tabs), all on the session's one push
    /// connection; default 2. The newest list's folder is selected there (its changes come as deltas); the others'
    /// changes come as STATUS (NOTIFY) or from a STATUS every <see cref="FolderStatusSeconds"/> (without NOTIFY) and
    /// rebuild their lists. A list opened beyond that gets no push for its folder, only the periodic folder counts.
    /// </summary>
    public int MaxWatchedFolders { get; set; } = 2;

    /// <summary>
    /// Whether the push connection uses NOTIFY (RFC 5465) when the server advertises it; default true. Off, or on a
    /// server without NOTIFY, it IDLEs (RFC 2177) on the open list's folder, sends STATUS for the other watched folders
    /// every <see cref="FolderStatusSeconds"/>, and the folder tree's counts come from its own poll.
    /// </summary>
    public bool PushUseNotify { get; set; } = true;

    /// <summary>
    /// How often the connection pool checks that the sign-ins it holds IMAP connections for (or has open tabs of) still
    /// have their session row (sign-out everywhere on another node closes them then), in seconds; default 5, 0 turns the
    /// check off. With <c>ConnectionStrings:Redis</c> set, other nodes are told at once over Redis
    /// (<see cref="WebmailSignOutBus"/>) and this check is the fallback for a Redis outage or a missed message.
    /// </summary>
    public int PoolSessionCheckSeconds { get; set; } = 5;

    /// <summary>How often an open webmail re-reads the folder list's unread and total counts (LIST-STATUS), in seconds; default 5.</summary>
    public int FolderStatusSeconds { get; set; } = 5;
}

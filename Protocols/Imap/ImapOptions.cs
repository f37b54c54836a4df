namespace Mail.Protocols.Imap;

/// <summary>
/// The <c>Mail:Imap</c> configuration section: limits, authentication throttling and timeouts of the
/// IMAP server (RFC 9051 / RFC 3501).
/// </summary>
public sealed class ImapOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Imap";

    /// <summary>Octet, nesting and count limits of the command parser (<see cref="ImapLimits"/>).</summary>
    public ImapLimits Limits { get; set; } = new();

    /// <summary>Failed authentications allowed per connection; the next failure closes it with <c>* BYE</c>. Default 3.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>
    /// Inactivity autologout (RFC 9051 §5.4: at least 30 minutes). Applies to idle connections
    /// before and after login, and to IDLE. Default 30 minutes.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Advertise LITERAL- instead of LITERAL+ (RFC 7888 §4; the two are alternatives): non-synchronizing
    /// literals are then accepted up to 4096 octets, and a larger one is discarded and refused with
    /// <c>BAD [TOOBIG]</c>. Default false (LITERAL+, any non-synchronizing literal within the literal limits).
    /// </summary>
    public bool LiteralMinus { get; set; }

    /// <summary>Number of parsed message structures (BODYSTRUCTURE/ENVELOPE/section offsets) kept in memory. Default 2000.</summary>
    public int StructureCacheEntries { get; set; } = 2000;

    /// <summary>
    /// Train the user's spam filter when a client copies or moves messages into Junk (spam) or out of it (ham, except
    /// into Trash), like Dovecot's antispam plugin. Default true; needs the filters on this node.
    /// </summary>
    public bool LearnFromJunkMoves { get; set; } = true;
}

/// <summary>
/// Limits of the IMAP command reader (CONVENTIONS.md §5). Each limit has a
/// <see cref="ImapRejectReason"/> and a reply: a line or nesting over the limit gets <c>BAD</c>,
/// a synchronizing literal over the limit <c>NO [TOOBIG]</c> without a continuation, a
/// non-synchronizing one <c>* BYE [TOOBIG]</c> and the connection closes (RFC 7888 §4).
/// </summary>
public sealed class ImapLimits
{
    /// <summary>Longest command line (without literal data, including CRLF), in octets. Default 64 KiB.</summary>
    public int MaxLineOctets { get; set; } = 64 * 1024;

    /// <summary>Largest literal in a command other than APPEND, in octets. Default 64 KiB.</summary>
    public int MaxLiteralOctets { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest message literal in APPEND, in octets; also the most all messages of one MULTIAPPEND
    /// may add up to. Default 0: the store's maximum message size (<c>Mail:Store:MaxMessageOctets</c>).
    /// </summary>
    public int MaxAppendOctets { get; set; }

    /// <summary>
    /// APPEND literals (APPEND, MULTIAPPEND) larger than this, in octets, are streamed from the connection straight into
    /// the store's <c>tmp/</c> file instead of memory, so a huge message costs a bounded amount of memory; smaller ones
    /// are read into memory with the command. Applies after login. Default 64 KiB.
    /// </summary>
    public int AppendSpoolThresholdOctets { get; set; } = 64 * 1024;

    /// <summary>Largest complete command (lines plus literals, APPEND excluded), in octets. Default 1 MiB.</summary>
    public int MaxCommandOctets { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of parenthesized lists (SEARCH, FETCH). Default 16.</summary>
    public int MaxNestingDepth { get; set; } = 16;

    /// <summary>Unknown or malformed commands tolerated before login; the next one closes the connection. Default 10.</summary>
    public int MaxBadCommandsBeforeLogin { get; set; } = 10;

    /// <summary>SEARCH RETURN (UPDATE) contexts a session may keep at once (RFC 5267 §4.2); one more gets <c>NO [NOUPDATE "tag"]</c>. Default 10.</summary>
    public int MaxSearchUpdates { get; set; } = 10;

    /// <summary>
    /// NOTIFY events a session may have queued and not yet written (RFC 5465 §5.8); one more means the session has fallen
    /// behind: <c>* OK [NOTIFICATIONOVERFLOW]</c> and NOTIFY is turned off (<see cref="ImapRejectReason.NotificationOverflow"/>). Default 1000.
    /// </summary>
    public int MaxPendingNotifications { get; set; } = 1000;

    /// <summary>Mailbox names one NOTIFY SET may list in its subtree/mailboxes filters; more get <c>NO [NOTIFICATIONOVERFLOW]</c>. Default 100.</summary>
    public int MaxNotifyMailboxNames { get; set; } = 100;

    /// <summary>Commands allowed per connection (0 = unlimited). Default 0.</summary>
    public long MaxCommandsPerConnection { get; set; }
}

namespace Mail.Protocols.Imap;

/// <summary>Why the command reader or parser refused input (CONVENTIONS.md §5); each maps to a reply in <see cref="Session.ImapSession"/>.</summary>
public enum ImapRejectReason
{
    /// <summary>No rejection.</summary>
    None,

    /// <summary>A command line exceeded <see cref="ImapLimits.MaxLineOctets"/>: <c>BAD</c>, the rest of the line is discarded.</summary>
    LineTooLong,

    /// <summary>A synchronizing literal exceeded the literal limit: <c>NO [TOOBIG]</c>, no continuation is sent.</summary>
    LiteralTooLarge,

    /// <summary>A non-synchronizing literal exceeded the literal limit: <c>* BYE [TOOBIG]</c>, connection closed (RFC 7888 §4).</summary>
    NonSynchronizingLiteralTooLarge,

    /// <summary>
    /// With LITERAL- (<see cref="ImapOptions.LiteralMinus"/>), a non-synchronizing literal over 4096 octets: the literal
    /// and the rest of its line are discarded, then <c>BAD [TOOBIG]</c> (RFC 7888 §4); the connection stays usable.
    /// </summary>
    NonSynchronizingLiteralOverLiteralMinus,

    /// <summary>The whole command exceeded <see cref="ImapLimits.MaxCommandOctets"/>: <c>BAD</c>.</summary>
    CommandTooLong,

    /// <summary>Parenthesized lists nested deeper than <see cref="ImapLimits.MaxNestingDepth"/>: <c>BAD</c>.</summary>
    NestingTooDeep,

    /// <summary>Malformed syntax: <c>BAD</c>.</summary>
    BadSyntax,

    /// <summary>Bare CR or LF, or NUL in a command line: <c>BAD</c>.</summary>
    InvalidCharacter,

    /// <summary>Too many bad commands before authentication (<see cref="ImapLimits.MaxBadCommandsBeforeLogin"/>): <c>* BYE</c>.</summary>
    TooManyBadCommands,

    /// <summary>Too many failed authentications (<see cref="ImapOptions.MaxAuthFailures"/>): <c>* BYE</c>.</summary>
    TooManyAuthFailures,

    /// <summary>Command count per connection exceeded (<see cref="ImapLimits.MaxCommandsPerConnection"/>): <c>* BYE</c>.</summary>
    TooManyCommands,

    /// <summary>More NOTIFY events queued than <see cref="ImapLimits.MaxPendingNotifications"/>: <c>* OK [NOTIFICATIONOVERFLOW]</c>, NOTIFY off (RFC 5465 §5.8).</summary>
    NotificationOverflow,
}

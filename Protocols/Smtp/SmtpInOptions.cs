namespace Mail.Protocols.Smtp;

/// <summary>
/// The <c>Mail:SmtpIn</c> section: limits of the MX listener (endpoint <c>SmtpIn</c>). Every limit
/// has a named rejection (<see cref="SmtpInRejectReason"/>) and a test.
/// </summary>
public sealed class SmtpInOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:SmtpIn";

    /// <summary>
    /// Largest message accepted, in octets as received on the wire (dot-stuffing included), announced
    /// as <c>SIZE</c> (RFC 1870). Default 64 MiB. A larger <c>MAIL FROM ... SIZE=</c> gets <c>552 5.3.4</c>
    /// at MAIL; a larger DATA is read to its end, discarded and refused with <c>552 5.3.4</c>.
    /// </summary>
    public int MaxMessageOctets { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Longest line accepted inside DATA, in octets without the CRLF. Default 1 MiB: RFC 5321
    /// §4.5.3.1.6 allows servers to accept lines longer than 1000 octets, and real mail (unwrapped
    /// HTML, base64 without line breaks) has them, so they are stored intact, never truncated or folded.
    /// Longer lines: the message is refused with <c>552 5.3.4</c> and nothing is stored.
    /// </summary>
    public int MaxLineOctets { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest command line, in octets without the CRLF. Default 2048 (RFC 5321 §4.5.3.1.4 says 512
    /// including CRLF, extensions such as SMTPUTF8 and long MAIL parameters raise it; Postfix uses 2048).
    /// Longer: <c>500 5.5.2</c> and the line is discarded up to its CRLF.
    /// </summary>
    public int MaxCommandLineOctets { get; set; } = 2048;

    /// <summary>Recipients per transaction (RFC 5321 §4.5.3.1.8 requires at least 100). More: <c>452 4.5.3</c>.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Consecutive failed commands after which the session is closed (Postfix <c>smtpd_hard_error_limit</c>).</summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>
    /// Longest wait for the next octet from the client, in seconds, while waiting for a command or
    /// inside DATA (RFC 5321 §4.5.3.2.7: at least 5 minutes). Then <c>421 4.4.2</c> and the connection closes.
    /// </summary>
    public int IdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest session, in seconds, whatever the activity. Default 30 minutes.</summary>
    public int SessionTimeoutSeconds { get; set; } = 1800;

    /// <summary>
    /// How often the listener looks at the drain flag (<see cref="SmtpInDrain"/>) and refreshes its status file,
    /// in milliseconds. Default 1000: <c>admin drain on</c> takes effect within that time.
    /// </summary>
    public int DrainPollMilliseconds { get; set; } = 1000;
}

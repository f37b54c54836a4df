namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// The <c>Mail:Submission</c> section: the message submission listeners (RFC 6409) on endpoints
/// <c>Submission</c> (STARTTLS, dev 2587, production 587) and <c>SubmissionTls</c> (implicit TLS,
/// RFC 8314, dev 2465, production 465). Every limit has a named rejection and a test.
/// </summary>
public sealed class SubmissionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Submission";

    /// <summary>
    /// Largest message accepted, in octets on the wire, announced as <c>SIZE</c> (RFC 1870). Default
    /// 32 MiB. Larger: <c>552 5.3.4</c> (at MAIL for a larger <c>SIZE=</c>, after DATA otherwise).
    /// </summary>
    public int MaxMessageOctets { get; set; } = 32 * 1024 * 1024;

    /// <summary>Longest DATA line in octets without CRLF (default 1 MiB); longer: <c>552 5.3.4</c>.</summary>
    public int MaxLineOctets { get; set; } = 1024 * 1024;

    /// <summary>Longest command line in octets without CRLF (default 2048, also bounds AUTH responses); longer: <c>500 5.5.2</c>.</summary>
    public int MaxCommandLineOctets { get; set; } = 2048;

    /// <summary>Recipients per transaction (default 100); more: <c>452 4.5.3</c>.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Consecutive failed commands after which the session is closed with <c>421 4.7.0</c>.</summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>Messages one user may queue per sliding hour on this node (default 500; 0 = no limit). Over: <c>450 4.7.1</c> at MAIL.</summary>
    public int MaxMessagesPerHour { get; set; } = 500;

    /// <summary>Recipients one user may queue per sliding hour on this node (default 2000; 0 = no limit). Over: <c>450 4.7.1</c> at RCPT.</summary>
    public int MaxRecipientsPerHour { get; set; } = 2000;

    /// <summary>Messages all users of one domain together may queue per sliding hour on this node (default 0 = no limit). Over: <c>450 4.7.1</c> at MAIL.</summary>
    public int MaxMessagesPerDomainPerHour { get; set; }

    /// <summary>Failed AUTH attempts per connection; then <c>421 4.7.0</c> and the connection closes. Default 3.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Longest wait for the client, in seconds (default 300); then <c>421 4.4.2</c>.</summary>
    public int IdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Longest session in seconds (default 30 minutes).</summary>
    public int SessionTimeoutSeconds { get; set; } = 1800;

    /// <summary>
    /// Names the authenticated user in the <c>Received</c> field (<c>(Authenticated sender: alice@example.com)</c>).
    /// Default false: the field names neither the user nor the client address, only the protocol (ESMTPSA).
    /// </summary>
    public bool ShowAuthenticatedUser { get; set; }

    /// <summary>
    /// Runs the outbound scan (clamd, spamd) also on mail whose recipients are all in local domains (the local
    /// shortcut). Default true; false trusts mail between local users (it is still DKIM-signed and stored through the
    /// inbound route, and mail with any remote recipient is always scanned).
    /// </summary>
    public bool ScanLocalMail { get; set; } = true;

    /// <summary>The limits in the shape the shared wire guard takes.</summary>
    internal SmtpInOptions ToWireOptions() => new()
    {
        MaxMessageOctets = MaxMessageOctets,
        MaxLineOctets = MaxLineOctets,
        MaxCommandLineOctets = MaxCommandLineOctets,
        MaxRecipients = MaxRecipients,
        MaxErrors = MaxErrors,
        IdleTimeoutSeconds = IdleTimeoutSeconds,
        SessionTimeoutSeconds = SessionTimeoutSeconds,
    };
}

namespace Mail.Protocols.Pop3;

/// <summary>
/// The <c>Mail:Pop3</c> section: limits of the POP3 listener (endpoint <c>Pop3</c>). Every limit has
/// a named rejection (<see cref="Pop3RejectReason"/>) and a test.
/// </summary>
public sealed class Pop3Options
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Pop3";

    /// <summary>Longest command line in octets including CRLF (RFC 2449 §4: 255). Longer: <c>-ERR</c>, the line is discarded.</summary>
    public int MaxCommandLineOctets { get; set; } = 255;

    /// <summary>Longest SASL response line (AUTH continuation, RFC 5034 §4) in octets including CRLF.</summary>
    public int MaxAuthLineOctets { get; set; } = 4096;

    /// <summary>Failed authentications after which the connection is closed (<c>-ERR [AUTH]</c>, then close).</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Idle time before the server closes the connection, in seconds (RFC 1939 §3: at least 10 minutes).</summary>
    public int IdleTimeoutSeconds { get; set; } = 600;
}

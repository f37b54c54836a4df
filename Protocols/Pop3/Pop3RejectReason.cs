namespace Mail.Protocols.Pop3;

/// <summary>Why the POP3 session refused input; each maps to one <c>-ERR</c> reply.</summary>
public enum Pop3RejectReason
{
    /// <summary>No rejection.</summary>
    None,
    /// <summary>A command line over <see cref="Pop3Options.MaxCommandLineOctets"/> (or an AUTH line over <see cref="Pop3Options.MaxAuthLineOctets"/>).</summary>
    LineTooLong,
    /// <summary>More failed logins than <see cref="Pop3Options.MaxAuthFailures"/>: the connection is closed.</summary>
    TooManyAuthFailures,
    /// <summary>USER/PASS/AUTH without TLS from a non-loopback client.</summary>
    PlaintextAuthDisallowed,
    /// <summary>Another session holds the maildrop lock (RFC 1939 §8): <c>-ERR [IN-USE]</c> (RFC 2449 §8.1.2).</summary>
    MaildropLocked,
    /// <summary>The client sent nothing for <see cref="Pop3Options.IdleTimeoutSeconds"/>.</summary>
    IdleTimeout,
}

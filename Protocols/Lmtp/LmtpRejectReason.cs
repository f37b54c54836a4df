namespace Mail.Protocols.Lmtp;

/// <summary>Why the LMTP session refused input; each maps to one reply.</summary>
public enum LmtpRejectReason
{
    /// <summary>No rejection.</summary>
    None,
    /// <summary>The client is outside <see cref="LmtpOptions.TrustedNetworks"/>: <c>421 4.7.0</c>, then close.</summary>
    UntrustedNetwork,
    /// <summary>A command line over <see cref="LmtpOptions.MaxCommandLineOctets"/>: <c>500 5.5.2</c>.</summary>
    CommandLineTooLong,
    /// <summary>More RCPT than <see cref="LmtpOptions.MaxRecipients"/>: <c>452 4.5.3</c>.</summary>
    TooManyRecipients,
    /// <summary>MAIL FROM SIZE= over <see cref="LmtpOptions.MaxMessageOctets"/>: <c>552 5.3.4</c>.</summary>
    DeclaredSizeTooBig,
    /// <summary>The client sent nothing for <see cref="LmtpOptions.IdleTimeoutSeconds"/>: <c>421 4.4.2</c>, then close.</summary>
    IdleTimeout,
}

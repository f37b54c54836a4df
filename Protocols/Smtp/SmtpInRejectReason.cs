namespace Mail.Protocols.Smtp;

/// <summary>Why the SMTP-in wire guard refused input; each maps to one reply (<see cref="SmtpInReplies"/>).</summary>
public enum SmtpInRejectReason
{
    /// <summary>No rejection.</summary>
    None,
    /// <summary>A command line over <see cref="SmtpInOptions.MaxCommandLineOctets"/>: <c>500 5.5.2</c>.</summary>
    CommandLineTooLong,
    /// <summary>A DATA line over <see cref="SmtpInOptions.MaxLineOctets"/>: <c>552 5.3.4</c>, nothing stored.</summary>
    LineTooLong,
    /// <summary>DATA over <see cref="SmtpInOptions.MaxMessageOctets"/>: <c>552 5.3.4</c>, nothing stored.</summary>
    MessageTooBig,
    /// <summary>A CR not followed by LF inside DATA (SMTP smuggling defence, RFC 5321 §2.3.8): <c>554 5.6.0</c>.</summary>
    BareCarriageReturn,
    /// <summary>An LF not preceded by CR inside DATA (SMTP smuggling defence, RFC 5321 §2.3.8): <c>554 5.6.0</c>.</summary>
    BareLineFeed,
}

namespace Mail.Protocols.Smtp.Outbound.Client;

/// <summary>
/// The connection broke or the server spoke something that is not SMTP (a bad reply, a timeout, a closed socket):
/// the session is unusable and must be reconnected (an <see cref="IOException"/>, as for any I/O failure).
/// </summary>
internal sealed class SmtpClientProtocolException : IOException
{
    public SmtpClientProtocolException(SmtpClientRejectReason reason, string message)
        : base(message) => Reason = reason;

    public SmtpClientProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>What was wrong with the server's bytes, or None for a timeout or socket error.</summary>
    public SmtpClientRejectReason Reason { get; }
}

/// <summary>
/// The server refused a session command (the greeting, EHLO/HELO, AUTH): the session cannot carry mail. Refusals
/// inside a transaction (MAIL, RCPT, DATA) are results, not exceptions (<see cref="SmtpTransactionResult"/>).
/// </summary>
internal sealed class SmtpClientCommandException : Exception
{
    public SmtpClientCommandException(string command, SmtpReply reply)
        : base($"{command}: {reply}")
    {
        Command = command;
        Reply = reply;
    }

    /// <summary>The command (or <c>greeting</c>).</summary>
    public string Command { get; }

    /// <summary>The refusal.</summary>
    public SmtpReply Reply { get; }
}

/// <summary>TLS was required and could not be had: STARTTLS not offered or refused, or the handshake failed (certificate refused).</summary>
internal sealed class SmtpClientTlsException : Exception
{
    public SmtpClientTlsException(bool notOffered, string message, Exception? inner = null)
        : base(message, inner) => NotOffered = notOffered;

    /// <summary>True when the server did not offer STARTTLS (RFC 8460 <c>starttls-not-supported</c>), false for a failed handshake.</summary>
    public bool NotOffered { get; }
}

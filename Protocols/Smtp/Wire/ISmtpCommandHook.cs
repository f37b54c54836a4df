namespace Mail.Protocols.Smtp.Wire;

/// <summary>
/// A listener's own command policy, run by <see cref="SmtpWireGuard"/> on each complete command
/// line before SmtpServer sees it. Submission uses it for AUTH (which SmtpServer must never see:
/// its default authenticator accepts anyone) and for "STARTTLS before AUTH, AUTH before MAIL".
/// </summary>
internal interface ISmtpCommandHook
{
    /// <summary>
    /// Handles <paramref name="line"/> (with its CRLF) or lets it through.
    /// </summary>
    /// <returns>True when the hook answered the line itself through <paramref name="channel"/>; false to forward it to SmtpServer.</returns>
    Task<bool> HandleAsync(SmtpInCommandKind kind, byte[] line, ISmtpHookChannel channel, CancellationToken cancellationToken);
}

/// <summary>The connection as a hook sees it while SmtpServer is idle.</summary>
internal interface ISmtpHookChannel
{
    /// <summary>State shared by the layers of this session.</summary>
    SmtpInConnection Connection { get; }

    /// <summary>True after STARTTLS or on an implicit TLS port.</summary>
    bool IsSecure { get; }

    /// <summary>Writes reply lines (CRLF included) to the client.</summary>
    Task WriteAsync(string reply, CancellationToken cancellationToken);

    /// <summary>Reads one more client line with its CRLF; null when it is over the command line limit or the client left.</summary>
    ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken);

    /// <summary>Ends the session once the hook returns (after a closing 421 it wrote).</summary>
    void CloseAfterReply();
}

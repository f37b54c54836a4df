namespace Mail.Protocols.Smtp.Wire;

/// <summary>The command a reply answers (the wire guard runs commands one at a time, so it always knows).</summary>
internal enum SmtpInCommandKind
{
    Greeting,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    /// <summary>The end of DATA (<c>CRLF.CRLF</c>): the final reply of the transaction.</summary>
    DataEnd,
    Rset,
    Noop,
    Quit,
    StartTls,
    /// <summary>AUTH or PROXY: not offered on the MX, answered by the guard without SmtpServer.</summary>
    Refused,
    /// <summary>AUTH (RFC 4954): answered by the guard's <see cref="ISmtpCommandHook"/> on Submission, refused like <see cref="Refused"/> elsewhere.</summary>
    Auth,
    Other,
}

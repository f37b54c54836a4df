namespace Mail.Web.Webmail;

/// <summary>Why the webmail could not talk to IMAP.</summary>
public enum WebmailFailure
{
    /// <summary>The IMAP server could not be reached or broke the protocol twice in a row.</summary>
    ServerUnavailable,

    /// <summary>The IMAP server refused the session's credentials (password changed, account disabled).</summary>
    CredentialsRejected,

    /// <summary>This web node already holds <see cref="WebmailOptions.PoolMaxSessions"/> sessions, none of them idle.</summary>
    TooManySessions,
}

/// <summary>
/// Thrown by <see cref="WebmailMailSession"/> when IMAP is out of reach; pages turn it into a friendly
/// notice, never a stack trace.
/// </summary>
public sealed class WebmailUnavailableException : Exception
{
    public WebmailUnavailableException() : this(WebmailFailure.ServerUnavailable, "The mail server is unavailable.", null)
    {
    }

    public WebmailUnavailableException(string message) : this(WebmailFailure.ServerUnavailable, message, null)
    {
    }

    public WebmailUnavailableException(string message, Exception? innerException)
        : this(WebmailFailure.ServerUnavailable, message, innerException)
    {
    }

    public WebmailUnavailableException(WebmailFailure failure, string message, Exception? innerException)
        : base(message, innerException) => Failure = failure;

    /// <summary>The kind of failure.</summary>
    public WebmailFailure Failure { get; }
}

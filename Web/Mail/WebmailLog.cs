namespace Mail.Web.Webmail;

/// <summary>Log messages of the webmail (CONVENTIONS.md §8). Never logs passwords or message content.</summary>
internal static partial class WebmailLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Webmail sign-in for {Address} succeeded")]
    public static partial void SignInSucceeded(ILogger logger, string address);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Webmail sign-in for {Address} refused by IMAP")]
    public static partial void SignInRefused(ILogger logger, string address);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Webmail could not reach IMAP at {Endpoint}")]
    public static partial void ImapUnreachable(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Webmail IMAP connection broke, reconnecting")]
    public static partial void ImapReconnecting(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Webmail IMAP command failed: {Reason}")]
    public static partial void ImapCommandFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Webmail sign-out for {Address}")]
    public static partial void SignedOut(ILogger logger, string address);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Webmail session for {Address} holds credentials IMAP no longer accepts")]
    public static partial void SessionCredentialsRejected(ILogger logger, string address);
}

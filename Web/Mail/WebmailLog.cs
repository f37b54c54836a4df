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

    [LoggerMessage(EventId = 4051, Level = LogLevel.Warning, Message = "Webmail connection pool full ({Sessions} sessions, none idle): a new session is refused")]
    public static partial void PoolFull(ILogger logger, int sessions);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Debug, Message = "Webmail pooled session of {Address} closed after being idle")]
    public static partial void PoolSessionIdleClosed(ILogger logger, string address);

    [LoggerMessage(EventId = 4058, Level = LogLevel.Debug, Message = "Webmail pooled session of {Address} logged its idle command connection out")]
    public static partial void PoolConnectionIdleClosed(ILogger logger, string address);

    [LoggerMessage(EventId = 4053, Level = LogLevel.Information, Message = "Webmail push connection lost, reconnecting")]
    public static partial void WatcherReconnecting(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4054, Level = LogLevel.Debug, Message = "Webmail push connection cannot open {Folder}: it watches INBOX instead")]
    public static partial void WatcherFolderMissing(ILogger logger, string folder);

    [LoggerMessage(EventId = 4055, Level = LogLevel.Warning, Message = "Webmail push connection stopped: IMAP refuses the session's credentials")]
    public static partial void WatcherStopped(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4056, Level = LogLevel.Information, Message = "Webmail push connection: IMAP refused NOTIFY ({Response}), watching with IDLE and STATUS")]
    public static partial void WatcherNotifyRefused(ILogger logger, MailKit.Net.Imap.ImapCommandResponse response);

    [LoggerMessage(EventId = 4061, Level = LogLevel.Debug, Message = "Webmail PDF preview refused: {Reason}")]
    public static partial void PdfPreviewRefused(ILogger logger, WebmailPdfPreviewFailure reason);

    [LoggerMessage(EventId = 4062, Level = LogLevel.Warning, Message = "Webmail PDF preview tool {Tool} cannot be started")]
    public static partial void PdfPreviewToolMissing(ILogger logger, string tool, Exception exception);

    [LoggerMessage(EventId = 4071, Level = LogLevel.Information, Message = "Webmail pooled session of {Address} closed: its sign-in ended on some node")]
    public static partial void PoolSessionRevoked(ILogger logger, string address);

    [LoggerMessage(EventId = 4072, Level = LogLevel.Warning, Message = "Webmail could not check the pooled sessions against the platform DB")]
    public static partial void PoolSessionCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4073, Level = LogLevel.Error, Message = "Webmail could not close the pooled sessions of sign-ins another node ended")]
    public static partial void PoolRemoteSignOutFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4074, Level = LogLevel.Error, Message = "Webmail sign-out watcher of a circuit failed")]
    public static partial void PoolSignOutWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4075, Level = LogLevel.Warning, Message = "Webmail sign-out announcements over Redis unavailable ({Error}): other nodes notice sign-outs from the platform DB")]
    public static partial void SignOutBusUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 4076, Level = LogLevel.Information, Message = "Webmail sign-out announcements over Redis work again")]
    public static partial void SignOutBusBack(ILogger logger);

    [LoggerMessage(EventId = 4077, Level = LogLevel.Debug, Message = "Webmail received the end of {Count} sign-ins from another node")]
    public static partial void SignOutReceived(ILogger logger, int count);
}

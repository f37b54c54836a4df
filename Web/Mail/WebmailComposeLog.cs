namespace Mail.Web.Webmail;

/// <summary>Log messages of the webmail's composer and outbox (CONVENTIONS.md §8). Never logs passwords or message content.</summary>
internal static partial class WebmailComposeLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Webmail could not reach Submission at {Endpoint}")]
    public static partial void SubmissionUnreachable(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Outbox message {Id} of {Address} submitted to {Count} recipients")]
    public static partial void OutboxSubmitted(ILogger logger, string id, string address, int count);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Outbox message {Id} of {Address} refused: {Detail}")]
    public static partial void OutboxRejected(ILogger logger, string id, string address, string detail);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Outbox message {Id} of {Address} deferred (attempt {Attempt}): {Detail}")]
    public static partial void OutboxDeferred(ILogger logger, string id, string address, int attempt, string detail);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Outbox message {Id} of {Address} was sent but its copy could not be filed in Sent")]
    public static partial void OutboxSentCopyFailed(ILogger logger, string id, string address, Exception exception);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Error, Message = "Outbox pass failed")]
    public static partial void OutboxPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Outbox message {Id} of {Address} cannot be sent: its credentials can no longer be decrypted")]
    public static partial void OutboxCredentialsLost(ILogger logger, string id, string address);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Outbox message {Id} of {Address} cancelled by the user")]
    public static partial void OutboxCancelled(ILogger logger, string id, string address);
}

using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>Log messages of the outbound queue (EventIds 6100-6199). Never bodies or secrets.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Outbound queue recovered {Count} message(s)")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Error, Message = "Queue entry {Id} had no message file and was dropped")]
    public static partial void Orphan(ILogger logger, string id);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "{Id}: <{Recipient}> {Status} via {Host}: {Reply}")]
    public static partial void RecipientResult(ILogger logger, string id, string recipient, OutboundRecipientStatus status, string host, string reply);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "{Id}: deferred, attempt {Attempt}, next at {Next:O}")]
    public static partial void Deferred(ILogger logger, string id, int attempt, DateTimeOffset next);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "{Id}: done, removed from the queue")]
    public static partial void Removed(ILogger logger, string id);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "{Id}: DSN {DsnId} queued to <{Sender}>")]
    public static partial void DsnQueued(ILogger logger, string id, string dsnId, string sender);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Error, Message = "{Id}: delivery attempt failed unexpectedly")]
    public static partial void AttemptFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Information, Message = "{Id}: admin request {Verb}")]
    public static partial void Control(ILogger logger, string id, string verb);

    [LoggerMessage(EventId = 6108, Level = LogLevel.Debug, Message = "Connecting to {Host} ({Address}) for {Domain} failed: {Error}")]
    public static partial void ConnectFailed(ILogger logger, string host, System.Net.IPAddress address, string domain, string error);

    [LoggerMessage(EventId = 6110, Level = LogLevel.Warning, Message = "No file watcher on the queue's control directory ({Error}); admin requests are polled")]
    public static partial void NoWatcher(ILogger logger, string error);

    [LoggerMessage(EventId = 6109, Level = LogLevel.Error, Message = "Outbound scheduler failed")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception);
}

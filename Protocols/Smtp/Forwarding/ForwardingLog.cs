using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>Log messages of forwarding and SRS (CONVENTIONS.md §8).</summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(EventId = 4901, Level = LogLevel.Information, Message = "Queued {QueueId}: mail for {Recipient} forwarded to {Count} remote address(es)")]
    public static partial void Forwarded(ILogger logger, string queueId, string recipient, int count);

    [LoggerMessage(EventId = 4902, Level = LogLevel.Information, Message = "Refused {Address}: SRS hash or timestamp invalid")]
    public static partial void SrsRefused(ILogger logger, string address);

    [LoggerMessage(EventId = 4903, Level = LogLevel.Warning, Message = "Mail for {Recipient} should be forwarded, but this node has no outbound queue")]
    public static partial void NoQueue(ILogger logger, string recipient);

    [LoggerMessage(EventId = 4904, Level = LogLevel.Error, Message = "Forwarding of {MessageId} for {Recipient} could not be queued")]
    public static partial void QueueFailed(ILogger logger, string messageId, string recipient, Exception exception);
}

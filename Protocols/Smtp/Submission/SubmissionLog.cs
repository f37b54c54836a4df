using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>Log messages of the submission listeners (EventIds 6000-6099). Never secrets or bodies.</summary>
internal static partial class SubmissionLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Submission listening on {EndPoint} ({Endpoint})")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, string endpoint);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Refused {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "AUTH failed from {Remote} ({Mechanism}, failure {Count})")]
    public static partial void AuthFailed(ILogger logger, IPEndPoint remote, string mechanism, int count);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "AUTH {Mechanism} from {Remote} as {User}")]
    public static partial void Authenticated(ILogger logger, IPEndPoint remote, string user, string mechanism);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Directory unavailable for AUTH from {Remote}")]
    public static partial void DirectoryUnavailable(ILogger logger, IPEndPoint remote, Exception exception);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Sender <{Sender}> refused for {User} from {Remote}")]
    public static partial void SenderRefused(ILogger logger, IPEndPoint remote, string user, string sender);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Queued {Id} from {User} at {Remote}: {Recipients} recipient(s), {Octets} octets")]
    public static partial void Queued(ILogger logger, IPEndPoint remote, string user, string id, int recipients, long octets);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "Queueing failed for {User} at {Remote}")]
    public static partial void QueueFailed(ILogger logger, IPEndPoint remote, string user, Exception exception);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Error, Message = "Submission session faulted")]
    public static partial void SessionFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Content from {User} at {Remote} refused by the outbound scan: {Action}")]
    public static partial void ContentRefused(ILogger logger, IPEndPoint remote, string user, Mail.Protocols.Filtering.FilterAction action);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Rate limit ({Limit}) reached by {User} at {Remote}")]
    public static partial void RateLimited(ILogger logger, System.Net.IPEndPoint remote, string user, string limit);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "DKIM signing failed for {Domain}; the message is queued unsigned")]
    public static partial void DkimFailed(ILogger logger, string domain, Exception exception);
}

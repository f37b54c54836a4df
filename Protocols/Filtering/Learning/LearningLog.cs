using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Filtering.Learning;

/// <summary>Log events of the user-controlled filters: learning, sender lists, quarantine (EventIds 5170-5199). No message bodies.</summary>
internal static partial class LearningLog
{
    [LoggerMessage(5170, LogLevel.Debug, "Bayes {Path}: learned {Kind}, {Outcome}, {Tokens} tokens")]
    public static partial void Learned(ILogger logger, string path, SpamClass kind, LearnOutcome outcome, int tokens);

    [LoggerMessage(5171, LogLevel.Warning, "spamd TELL failed: {Reason}")]
    public static partial void TellFailed(ILogger logger, string reason);

    [LoggerMessage(5172, LogLevel.Warning, "Bayes classification of {Account} failed: {Reason}")]
    public static partial void ClassifyFailed(ILogger logger, string account, string reason);

    [LoggerMessage(5173, LogLevel.Warning, "Learning from a move into or out of Junk for {Account} failed")]
    public static partial void MoveLearningFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(5175, LogLevel.Warning, "Junk learning queue full; a move by {Account} was not learned")]
    public static partial void MoveLearningQueueFull(ILogger logger, string account);

    [LoggerMessage(5174, LogLevel.Warning, "Sender lists unavailable, {Account} scored without them: {Reason}")]
    public static partial void ListsFailed(ILogger logger, string account, string reason);

    [LoggerMessage(5180, LogLevel.Information, "Quarantine: {QueueId} kept for {Count} account(s), {Reason} ({Detail})")]
    public static partial void Quarantined(ILogger logger, string queueId, int count, Quarantine.QuarantineReason reason, string detail);

    [LoggerMessage(5181, LogLevel.Information, "Quarantine: entry {Id} ({QueueId}) released to {Account} INBOX, UID {Uid}")]
    public static partial void Released(ILogger logger, string id, string queueId, string account, uint uid);

    [LoggerMessage(5182, LogLevel.Warning, "Quarantine: release of entry {Id} failed, kept: {Reason}")]
    public static partial void ReleaseFailed(ILogger logger, string id, string reason);

    [LoggerMessage(5183, LogLevel.Error, "Quarantine: release pass failed")]
    public static partial void ReleasePassFailed(ILogger logger, Exception exception);

    [LoggerMessage(5184, LogLevel.Information, "Quarantine: {Count} expired entries deleted")]
    public static partial void Purged(ILogger logger, int count);
}

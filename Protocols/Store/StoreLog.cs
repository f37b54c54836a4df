using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Store;

/// <summary>Log messages of the mailbox store (EventIds 3000-3099). Never logs message contents.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Mailbox store opened at {Root}")]
    public static partial void StoreOpened(ILogger logger, string root);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Account {Account} opened ({Mailboxes} mailboxes)")]
    public static partial void AccountOpened(ILogger logger, string account, int mailboxes);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Account {Account} created with the default mailboxes")]
    public static partial void AccountCreated(ILogger logger, string account);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Recovery of {Account}: removed {TempFiles} temporary and {OrphanFiles} unindexed message files")]
    public static partial void RecoveryRemovedFiles(ILogger logger, string account, int tempFiles, int orphanFiles);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Recovery of {Account}: {Missing} indexed messages had no file and were expunged")]
    public static partial void RecoveryMissingFiles(ILogger logger, string account, int missing);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Index commit failed for {Account}; the batch of {Count} messages was not stored")]
    public static partial void CommitFailed(ILogger logger, string account, int count, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Could not remove message file {File} of {Account}")]
    public static partial void FileRemoveFailed(ILogger logger, string account, string file, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Quota lookup for {Account} failed; using the last known quota")]
    public static partial void QuotaLookupFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Removed {Count} leftover spool files")]
    public static partial void SpoolCleaned(ILogger logger, int count);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "Delivery to {Account} refused: {Status}")]
    public static partial void DeliveryRefused(ILogger logger, string account, StoreStatus status);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Index of {Account} was missing; {Count} message files adopted into INBOX")]
    public static partial void IndexRebuilt(ILogger logger, string account, int count);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Indexing the text of {Count} messages of {Account} stored before the full-text index")]
    public static partial void TextBackfill(ILogger logger, string account, int count);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Adding the sort keys of {Count} messages of {Account} stored before they were indexed (in the background)")]
    public static partial void SortKeyBackfill(ILogger logger, string account, int count);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Sort keys of {Count} messages of {Account} added")]
    public static partial void SortKeyBackfillDone(ILogger logger, string account, int count);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "Sort key backfill of {Account} failed; SORT computes the missing keys from the messages")]
    public static partial void SortKeyBackfillFailed(ILogger logger, string account, Exception exception);
}

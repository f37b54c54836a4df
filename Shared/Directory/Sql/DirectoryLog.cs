using Microsoft.Extensions.Logging;

namespace Mail.Shared.Directory.Sql;

/// <summary>Log messages of the built-in SQL directory (CONVENTIONS.md §8). Never logs passwords or hashes.</summary>
internal static partial class DirectoryLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Alias expansion of {Recipient} dropped {Address}: {Reason}")]
    public static partial void ExpansionDropped(ILogger logger, string recipient, string address, DirectoryRejectReason reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Expansion of {Recipient} forwards to remote target {Target}")]
    public static partial void RemoteTargetForwarded(ILogger logger, string recipient, string target);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Directory database failed")]
    public static partial void DatabaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Directory change {Change} {Subject}: {Result}")]
    public static partial void Changed(ILogger logger, string change, string subject, DirectoryChangeResult result);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Password hash of {Address} upgraded to the current format")]
    public static partial void PasswordRehashed(ILogger logger, string address);
}

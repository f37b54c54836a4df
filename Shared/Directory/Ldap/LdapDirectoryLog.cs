using Microsoft.Extensions.Logging;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Log messages of the LDAP directory (CONVENTIONS.md §8). Never logs passwords, hashes or the bind password.</summary>
internal static partial class LdapDirectoryLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "LDAP server {Server} is unreachable ({Error}); reads fall back to replicas and the cache, writes fail until it returns")]
    public static partial void ServerDown(ILogger logger, string server, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "LDAP server {Server} is reachable again after {Seconds} s")]
    public static partial void ServerUp(ILogger logger, string server, long seconds);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Directory change {Change} {Subject}: {Result}")]
    public static partial void Changed(ILogger logger, string change, string subject, DirectoryChangeResult result);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Alias expansion of {Recipient} dropped {Address}: {Reason}")]
    public static partial void ExpansionDropped(ILogger logger, string recipient, string address, Sql.DirectoryRejectReason reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Expansion of {Recipient} forwards to remote target {Target}")]
    public static partial void RemoteTargetForwarded(ILogger logger, string recipient, string target);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Directory unavailable: serving cached answers up to {MaxStaleSeconds} s old until an LDAP server answers")]
    public static partial void ServingStale(ILogger logger, int maxStaleSeconds);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Created {Dn}")]
    public static partial void ContainerCreated(ILogger logger, string dn);
}

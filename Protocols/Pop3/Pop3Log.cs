using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Pop3;

/// <summary>Log events of the POP3 server (EventIds 3000-3099). No passwords, no message bodies.</summary>
internal static partial class Pop3Log
{
    [LoggerMessage(3000, LogLevel.Information, "POP3 listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(3001, LogLevel.Debug, "POP3 connection from {Remote}")]
    public static partial void Connected(ILogger logger, IPEndPoint remote);

    [LoggerMessage(3002, LogLevel.Debug, "POP3 {Remote}: connection ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(3003, LogLevel.Information, "POP3 {Remote}: {User} logged in, {Count} messages")]
    public static partial void LoggedIn(ILogger logger, IPEndPoint remote, string user, int count);

    [LoggerMessage(3004, LogLevel.Information, "POP3 {Remote}: login failed for {User}")]
    public static partial void LoginFailed(ILogger logger, IPEndPoint remote, string user);

    [LoggerMessage(3005, LogLevel.Debug, "POP3 {Remote}: input refused: {Reason}")]
    public static partial void Rejected(ILogger logger, IPEndPoint remote, Pop3RejectReason reason);

    [LoggerMessage(3006, LogLevel.Information, "POP3 {Remote}: {User} quit, {Deleted} messages deleted")]
    public static partial void Updated(ILogger logger, IPEndPoint remote, string user, int deleted);

    [LoggerMessage(3007, LogLevel.Error, "POP3 {Remote}: command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, IPEndPoint remote, string command, Exception exception);

    [LoggerMessage(3008, LogLevel.Warning, "POP3 {Remote}: directory unavailable")]
    public static partial void DirectoryUnavailable(ILogger logger, IPEndPoint remote, Exception exception);

    [LoggerMessage(3009, LogLevel.Error, "POP3 accept failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}

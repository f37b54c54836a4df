using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Imap;

/// <summary>Log messages of the IMAP server (CONVENTIONS.md §8); EventIds 3100–3199 are stable.</summary>
internal static partial class ImapLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "IMAP listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "IMAP connection {ConnectionId} from {Remote}")]
    public static partial void Connected(ILogger logger, long connectionId, EndPoint? remote);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "IMAP connection {ConnectionId} closed")]
    public static partial void Disconnected(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Trace, Message = "IMAP {ConnectionId} C: {Line}")]
    public static partial void ClientLine(ILogger logger, long connectionId, string line);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Trace, Message = "IMAP {ConnectionId} S: {Line}")]
    public static partial void ServerLine(ILogger logger, long connectionId, string line);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} rejected input: {Reason}")]
    public static partial void Rejected(ILogger logger, long connectionId, ImapRejectReason reason);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} command {Command} failed: {Text}")]
    public static partial void CommandFailed(ILogger logger, long connectionId, string command, string text);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "IMAP {ConnectionId} command {Command} failed with an internal error")]
    public static partial void CommandError(ILogger logger, long connectionId, string command, Exception exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "IMAP {ConnectionId} authenticated {User}")]
    public static partial void Authenticated(ILogger logger, long connectionId, string user);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information, Message = "IMAP {ConnectionId} authentication failed for {User} from {Remote}")]
    public static partial void AuthenticationFailed(ILogger logger, long connectionId, string user, EndPoint? remote);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} TLS handshake failed")]
    public static partial void TlsFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} connection error")]
    public static partial void ConnectionError(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "IMAP message {Uid} in mailbox {MailboxId} could not be parsed as MIME; served as text/plain")]
    public static partial void MimeParseFailed(ILogger logger, long mailboxId, uint uid, Exception exception);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Error, Message = "IMAP session {ConnectionId} ended by an internal error")]
    public static partial void SessionError(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} autologout after inactivity")]
    public static partial void Autologout(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 3150, Level = LogLevel.Information, Message = "IMAP {ConnectionId} fell behind on NOTIFY events (more than {Limit} queued); NOTIFY turned off")]
    public static partial void NotificationOverflow(ILogger logger, long connectionId, int limit);

    [LoggerMessage(EventId = 3140, Level = LogLevel.Debug, Message = "IMAP {ConnectionId} COMPRESS DEFLATE active")]
    public static partial void CompressionStarted(ILogger logger, long connectionId);
}

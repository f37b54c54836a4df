using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Lmtp;

/// <summary>Log events of the LMTP server (EventIds 3100-3199). No message bodies.</summary>
internal static partial class LmtpLog
{
    [LoggerMessage(3100, LogLevel.Information, "LMTP listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(3101, LogLevel.Debug, "LMTP connection from {Remote}")]
    public static partial void Connected(ILogger logger, IPEndPoint remote);

    [LoggerMessage(3102, LogLevel.Debug, "LMTP {Remote}: connection ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(3103, LogLevel.Information, "LMTP {Remote}: input refused: {Reason}")]
    public static partial void Rejected(ILogger logger, IPEndPoint remote, LmtpRejectReason reason);

    [LoggerMessage(3104, LogLevel.Information, "LMTP {Remote}: recipient {Recipient} refused: {Why}")]
    public static partial void RecipientRefused(ILogger logger, IPEndPoint remote, string recipient, string why);

    [LoggerMessage(3105, LogLevel.Information, "LMTP {Remote}: {Id} from <{Sender}> delivered to {Delivered} of {Recipients} recipients, {Octets} octets")]
    public static partial void Delivered(ILogger logger, IPEndPoint remote, string id, string sender, int delivered, int recipients, long octets);

    [LoggerMessage(3106, LogLevel.Information, "LMTP {Remote}: {Id} refused for {Account}: {Status}")]
    public static partial void DeliveryRefused(ILogger logger, IPEndPoint remote, string id, string account, Store.StoreStatus status);

    [LoggerMessage(3107, LogLevel.Error, "LMTP {Remote}: {Id} delivery failed")]
    public static partial void DeliveryFailed(ILogger logger, IPEndPoint remote, string id, Exception exception);

    [LoggerMessage(3108, LogLevel.Information, "LMTP {Remote}: message data refused: {Reason}")]
    public static partial void DataRejected(ILogger logger, IPEndPoint remote, Smtp.SmtpInRejectReason reason);

    [LoggerMessage(3109, LogLevel.Warning, "LMTP {Remote}: directory unavailable for {Recipient}")]
    public static partial void DirectoryUnavailable(ILogger logger, IPEndPoint remote, string recipient, Exception exception);

    [LoggerMessage(3110, LogLevel.Error, "LMTP {Remote}: command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, IPEndPoint remote, string command, Exception exception);

    [LoggerMessage(3111, LogLevel.Error, "LMTP accept failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}

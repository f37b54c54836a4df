using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Authentication;

/// <summary>Log messages of the shared authentication code (EventIds 9100-9199). No secrets, no user names on failures.</summary>
internal static partial class AuthenticationLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Authentication failed from {Client} ({Mechanism}); reply delayed {DelayMilliseconds} ms")]
    public static partial void Failed(ILogger logger, IPAddress client, string mechanism, double delayMilliseconds);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Redis failure counter unavailable, counting in memory")]
    public static partial void RedisUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Debug, Message = "Client address {Client} named by trusted peer {Peer}")]
    public static partial void ClientNamed(ILogger logger, IPAddress client, IPAddress peer);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Debug, Message = "SCRAM channel binding {BindingType} refused from {Client}: not available on this connection (tls-exporter needs TLS 1.3)")]
    public static partial void ChannelBindingRefused(ILogger logger, IPAddress client, string bindingType);
}

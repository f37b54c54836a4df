using System.Net;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Smtp;

/// <summary>Log events of SMTP-in (EventIds 2000-2099). No message bodies, no secrets.</summary>
internal static partial class SmtpInLog
{
    [LoggerMessage(2000, LogLevel.Information, "SMTP in listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(2001, LogLevel.Debug, "SMTP in connection from {Remote}")]
    public static partial void Connected(ILogger logger, IPEndPoint remote);

    [LoggerMessage(2002, LogLevel.Debug, "SMTP in {Remote}: connection ended: {Reason}")]
    public static partial void ConnectionError(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(2003, LogLevel.Debug, "SMTP in {Remote}: idle timeout")]
    public static partial void IdleTimeout(ILogger logger, IPEndPoint remote);

    [LoggerMessage(2004, LogLevel.Debug, "SMTP in {Remote}: input refused: {Reason}")]
    public static partial void Rejected(ILogger logger, IPEndPoint remote, SmtpInRejectReason reason);

    [LoggerMessage(2005, LogLevel.Error, "SMTP in {Remote}: wire guard failed")]
    public static partial void GuardFailed(ILogger logger, IPEndPoint remote, Exception exception);

    [LoggerMessage(2006, LogLevel.Debug, "SMTP in {Remote}: recipient {Recipient} refused: {Kind}")]
    public static partial void RecipientRefused(ILogger logger, IPEndPoint remote, string recipient, string kind);

    [LoggerMessage(2007, LogLevel.Warning, "SMTP in {Remote}: directory unavailable for {Recipient}")]
    public static partial void DirectoryUnavailable(ILogger logger, IPEndPoint remote, string recipient, Exception exception);

    [LoggerMessage(2008, LogLevel.Information, "SMTP in {Remote}: message {Id} from <{Sender}> delivered to {Count} account(s), {Octets} octets")]
    public static partial void Delivered(ILogger logger, IPEndPoint remote, string id, string sender, int count, long octets);

    [LoggerMessage(2009, LogLevel.Warning, "SMTP in {Remote}: message {Id} not delivered to {Account}: {Status}")]
    public static partial void DeliveryRefused(ILogger logger, IPEndPoint remote, string id, string account, Mail.Protocols.Store.StoreStatus status);

    [LoggerMessage(2010, LogLevel.Error, "SMTP in {Remote}: message {Id} delivery failed")]
    public static partial void DeliveryFailed(ILogger logger, IPEndPoint remote, string id, Exception exception);

    [LoggerMessage(2011, LogLevel.Error, "SMTP in session faulted")]
    public static partial void SessionFaulted(ILogger logger, Exception exception);

    [LoggerMessage(2012, LogLevel.Error, "SMTP in {Remote}: recipient lookup failed for {Recipient}")]
    public static partial void LookupFailed(ILogger logger, IPEndPoint remote, string recipient, Exception exception);

    [LoggerMessage(2013, LogLevel.Information, "SMTP in {Remote}: message {Id} from <{Sender}> refused by the filters: {Action}")]
    public static partial void Filtered(ILogger logger, IPEndPoint remote, string id, string sender, Mail.Protocols.Filtering.FilterAction action);

    [LoggerMessage(2014, LogLevel.Error, "SMTP in: verdict record of message {Id} not written")]
    public static partial void VerdictNotRecorded(ILogger logger, string id, Exception exception);

    [LoggerMessage(2015, LogLevel.Information, "SMTP in {Remote}: refused by the block stage: {Check} {Action}")]
    public static partial void Blocked(ILogger logger, IPEndPoint remote, Mail.Protocols.Filtering.Block.BlockCheck check, Mail.Protocols.Filtering.Block.CheckAction action);

    [LoggerMessage(2016, LogLevel.Information, "SMTP in {Remote}: refused, the node is draining")]
    public static partial void RefusedDraining(ILogger logger, IPEndPoint remote);

    [LoggerMessage(2017, LogLevel.Warning, "SMTP in: drain status: {Status}")]
    public static partial void DrainChanged(ILogger logger, string status);

    [LoggerMessage(2018, LogLevel.Error, "SMTP in: drain flag or status file failed")]
    public static partial void DrainFileFailed(ILogger logger, Exception exception);

    [LoggerMessage(2019, LogLevel.Information, "SMTP in {Remote}: message {Id} from <{Sender}> quarantined for {Count} account(s): {Reason}")]
    public static partial void Quarantined(ILogger logger, IPEndPoint remote, string id, string sender, int count, Mail.Protocols.Filtering.Quarantine.QuarantineReason reason);
}

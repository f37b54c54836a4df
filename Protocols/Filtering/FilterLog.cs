using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Filtering;

/// <summary>Log events of the filters (EventIds 5000-5099). No message bodies, no secrets.</summary>
internal static partial class FilterLog
{
    [LoggerMessage(5000, LogLevel.Warning, "Scanner {Scanner} failed: {Reason}")]
    public static partial void ScannerFailed(ILogger logger, string scanner, string reason);

    [LoggerMessage(5001, LogLevel.Warning, "Scanner {Scanner} timed out after {Seconds} s")]
    public static partial void ScannerTimedOut(ILogger logger, string scanner, double seconds);

    [LoggerMessage(5002, LogLevel.Error, "Scanner {Scanner} threw")]
    public static partial void ScannerThrew(ILogger logger, string scanner, Exception exception);

    [LoggerMessage(5003, LogLevel.Information, "Message {Id}: {Action}, score {Score}, {Scanners}")]
    public static partial void Verdict(ILogger logger, string id, FilterAction action, double? score, string scanners);

    [LoggerMessage(5004, LogLevel.Error, "Message {Id}: verdict record not written")]
    public static partial void RecordFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(5005, LogLevel.Information, "Scan stage: {Scanners}")]
    public static partial void Configured(ILogger logger, string scanners);

    [LoggerMessage(5006, LogLevel.Warning, "DNSBL {Zone} lookup failed: {Reason}")]
    public static partial void DnsblFailed(ILogger logger, string zone, string reason);

    [LoggerMessage(5090, LogLevel.Warning, "Greylisting: Redis unavailable, this node's memory is used")]
    public static partial void GreylistRedisFailed(ILogger logger, Exception exception);
}

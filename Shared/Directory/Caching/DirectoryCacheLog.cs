using Microsoft.Extensions.Logging;

namespace Mail.Shared.Directory.Caching;

/// <summary>Log messages of the shared directory cache (CONVENTIONS.md §8).</summary>
internal static partial class DirectoryCacheLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Redis directory cache unavailable ({Error}); lookups go to the directory backend until it is back")]
    public static partial void RedisUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Redis directory cache available again")]
    public static partial void RedisBack(ILogger logger);
}

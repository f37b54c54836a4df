using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Store;

/// <summary>What every account of one <see cref="MailStore"/> shares: limits, quota source, clock, logger.</summary>
internal sealed record StoreContext(StoreLimits Limits, IQuotaProvider Quota, TimeProvider Time, ILogger Logger)
{
    /// <summary>Domain quota check (<see cref="MailStore"/>); null in stores without one.</summary>
    public Func<string, long, CancellationToken, ValueTask<bool>>? DomainHasRoom { get; set; }
}

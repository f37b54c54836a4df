using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Milter;

/// <summary>One <see cref="MilterScanner"/> per entry of <c>Mail:Filters:Milters</c> (none when the list is empty).</summary>
public sealed class MilterScannerProvider : IMessageScannerProvider
{
    /// <exception cref="FormatException">An entry's endpoint is not <c>host:port</c>.</exception>
    /// <exception cref="InvalidOperationException">Two entries have the same name.</exception>
    public MilterScannerProvider(IOptions<FilterOptions> options, ILogger<MilterScanner> logger)
    {
        Scanners = options.Value.Milters.Select(m => (IMessageScanner)new MilterScanner(m, logger)).ToList();
        var duplicate = Scanners.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Mail:Filters:Milters names {duplicate.Key} twice.");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<IMessageScanner> Scanners { get; }
}

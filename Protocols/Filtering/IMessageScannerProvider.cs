namespace Mail.Protocols.Filtering;

/// <summary>
/// A source of scanners whose number comes from configuration (one per configured milter); the pipeline adds
/// them to the <see cref="IMessageScanner"/> singletons.
/// </summary>
public interface IMessageScannerProvider
{
    /// <summary>The scanners, each with its own name, timeout and failure policy.</summary>
    IReadOnlyList<IMessageScanner> Scanners { get; }
}

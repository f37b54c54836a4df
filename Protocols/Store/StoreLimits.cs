namespace Mail.Protocols.Store;

/// <summary>Limits of the mailbox store, bound from the <c>Mail:Store</c> configuration section.</summary>
public sealed class StoreLimits
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Store";

    /// <summary>
    /// Largest message the store accepts, in octets (default 64 MiB). A larger message is refused
    /// with <see cref="StoreStatus.TooBig"/> and nothing is stored.
    /// </summary>
    public long MaxMessageOctets { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Characters of header text and of body text indexed per message for SEARCH BODY/TEXT (default 4 Mi each);
    /// text beyond it is not found by those keys.
    /// </summary>
    public int MaxIndexedTextChars { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a quota read from the directory is reused, in seconds (default 60).</summary>
    public int QuotaCacheSeconds { get; set; } = 60;
}

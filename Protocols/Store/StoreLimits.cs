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
    /// Characters of header text and of body text indexed per message for SEARCH BODY/TEXT (default 1 Mi each);
    /// text beyond it is not found by those keys.
    /// </summary>
    /// <remarks>
    /// This is also what indexing a new message costs in memory, whatever the message's size: only this many characters
    /// of its text are decoded (a larger text part is streamed, not loaded), and holding, binding and tokenizing them
    /// takes about 8 octets per character (the text as UTF-16 twice, SQLite's copy, its UTF-8 form and the FTS5
    /// position lists), so about 8 MiB per message being stored at the default.
    /// </remarks>
    public int MaxIndexedTextChars { get; set; } = 1024 * 1024;

    /// <summary>Largest METADATA entry value (RFC 5464 §4.3), in octets (default 16 KiB); larger: <see cref="MetadataStatus.TooLarge"/>.</summary>
    public int MaxMetadataValueOctets { get; set; } = 16 * 1024;

    /// <summary>METADATA entries a user may see on one mailbox or on the server (shared plus own private; default 200); more: <see cref="MetadataStatus.TooMany"/>.</summary>
    public int MaxMetadataEntries { get; set; } = 200;

    /// <summary>How long a quota read from the directory is reused, in seconds (default 60).</summary>
    public int QuotaCacheSeconds { get; set; } = 60;

    /// <summary>
    /// How long a domain's usage (the sum of its accounts' used octets, for the domain quota) is reused, in seconds (default 5).
    /// The domain quota is therefore approximate: deliveries within this window to other accounts of the domain are not
    /// counted, so a domain may exceed its quota by what it receives in one window.
    /// </summary>
    public int DomainUsageCacheSeconds { get; set; } = 5;
}

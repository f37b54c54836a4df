namespace Mail.Shared.Directory.Sql;

/// <summary>Limits and cache lifetimes of the built-in SQL directory (configuration section <c>Mail:Directory</c>).</summary>
public sealed class SqlDirectoryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mail:Directory";

    /// <summary>
    /// Longest alias chain followed by <see cref="IMailDirectory.ResolveRecipientAsync"/>, in alias hops
    /// (default 8): an address reached through more hops is dropped (<see cref="DirectoryRejectReason.AliasChainTooDeep"/>).
    /// </summary>
    public int MaxAliasDepth { get; set; } = 8;

    /// <summary>
    /// Most distinct addresses one recipient may expand to through aliases (default 1000); the rest are
    /// dropped (<see cref="DirectoryRejectReason.TooManyExpandedAddresses"/>).
    /// </summary>
    public int MaxExpandedAddresses { get; set; } = 1000;

    /// <summary>Separator of the plus-address tag (default <c>+</c>: <c>user+tag@domain</c> reaches <c>user@domain</c>); empty disables tags.</summary>
    public string RecipientDelimiter { get; set; } = "+";

    /// <summary>How long a found user, alias or domain stays in the in-process cache, in seconds (default 30).</summary>
    public int PositiveCacheSeconds { get; set; } = 30;

    /// <summary>
    /// How long a miss (no such address or domain) stays cached, in seconds (default 5). Writes made in
    /// this process clear the cache at once; writes by another process (the admin CLI) are seen after at most this long.
    /// </summary>
    public int NegativeCacheSeconds { get; set; } = 5;

    /// <summary>
    /// How long a successful login is remembered, in seconds (default 300; 0 disables): a login with the same password
    /// against the same stored hash within this time skips the PBKDF2 verification (about 30-150 ms of CPU each).
    /// Only a keyed HMAC-SHA256 of the password is kept, in memory; a changed or disabled user misses at once, and a
    /// wrong password still costs one full verification (so it takes as long as an unknown user).
    /// </summary>
    public int VerifiedLoginCacheSeconds { get; set; } = 300;

    /// <summary>Most logins remembered by <see cref="VerifiedLoginCacheSeconds"/> (default 100 000); when full, the cache is emptied.</summary>
    public int MaxVerifiedLogins { get; set; } = 100_000;
}

/// <summary>Why the directory dropped part of an alias expansion (logged, not an error to the sender).</summary>
public enum DirectoryRejectReason
{
    /// <summary>An alias chain was longer than <see cref="SqlDirectoryOptions.MaxAliasDepth"/>.</summary>
    AliasChainTooDeep,

    /// <summary>An alias chain came back to an address already expanded (a loop).</summary>
    AliasLoop,

    /// <summary>An expansion reached more than <see cref="SqlDirectoryOptions.MaxExpandedAddresses"/> addresses.</summary>
    TooManyExpandedAddresses,
}

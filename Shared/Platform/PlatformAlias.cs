namespace Mail.Shared.Platform;

/// <summary>
/// One alias row (table <c>Aliases</c>): mail for <see cref="Address"/> goes to <see cref="Target"/>.
/// Several rows with the same address make a distribution list.
/// </summary>
public sealed class PlatformAlias
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }

    /// <summary>Alias address, lower-case, in a local domain (at most 320 characters).</summary>
    public required string Address { get; set; }

    /// <summary>Domain part of <see cref="Address"/>; foreign key to <see cref="PlatformDomain.Name"/>.</summary>
    public required string Domain { get; set; }

    /// <summary>Target address, lower-case: a local user, another alias, or a remote address.</summary>
    public required string Target { get; set; }

    /// <summary>When the alias was added (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
}

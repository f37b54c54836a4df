namespace Mail.Shared.Directory;

/// <summary>
/// Read side of the central directory: virtual domains, users and aliases. Every tier reads
/// users through this interface; the built-in SQL directory (platform DB) is the embedded default
/// and the LDAP backend fits behind the same contract.
/// </summary>
/// <remarks>
/// Addresses are compared case-insensitively in the domain part and, as every mainstream
/// server does, in the local part too (RFC 5321 §2.4 allows case-sensitive local parts; we do not
/// use that freedom). Implementations must be thread-safe. Expected failures are result values;
/// exceptions mean I/O failure of the backend (<see cref="DirectoryUnavailableException"/>).
/// </remarks>
public interface IMailDirectory
{
    /// <summary>Finds a user by its primary address (any case). Returns null when there is none.</summary>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="domain"/> (any case, no trailing dot) is a local virtual domain.</summary>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves an envelope recipient (RCPT TO) to the local users that receive it: follows aliases
    /// (one level of alias → user addresses, alias chains up to 8 deep), strips a
    /// plus-address tag (<c>user+tag@domain</c> reaches <c>user@domain</c>).
    /// </summary>
    /// <returns><see cref="RecipientResolution"/>: <c>Local</c> with canonical user addresses,
    /// <c>UnknownUser</c> when the domain is local but nothing matches, <c>NotLocal</c> otherwise.</returns>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies a password for a login name (the user's address, any case). The work done is the
    /// same whether the user exists or not, so timing does not reveal which addresses exist.
    /// </summary>
    /// <returns>The user when the password matches and the user is enabled, otherwise null.</returns>
    /// <exception cref="DirectoryUnavailableException">The backend cannot be reached.</exception>
    Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken);
}

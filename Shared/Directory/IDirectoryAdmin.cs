namespace Mail.Shared.Directory;

/// <summary>
/// Write side of the directory, used by the admin CLI and the admin panel. Backends that are
/// read-only (an LDAP replica) throw <see cref="DirectoryUnavailableException"/>.
/// </summary>
public interface IDirectoryAdmin
{
    /// <summary>Adds a virtual domain (stored lower-case). Returns false when it already exists.</summary>
    Task<bool> AddDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Lists the virtual domains, lower-case, sorted.</summary>
    Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Changes a domain's settings; each null field of <paramref name="change"/> is left as it is.
    /// </summary>
    /// <returns><see cref="DirectoryChangeResult.UnknownDomain"/> when <paramref name="domain"/> is not a domain (an alias domain is not),
    /// <see cref="DirectoryChangeResult.InvalidAddress"/> for a malformed catch-all address or a negative quota.</returns>
    Task<DirectoryChangeResult> UpdateDomainAsync(string domain, DomainSettingsChange change, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="alias"/> as an alias domain of <paramref name="domain"/>: <c>x@alias</c> is delivered as <c>x@domain</c>.
    /// </summary>
    /// <returns><see cref="DirectoryChangeResult.UnknownDomain"/> when <paramref name="domain"/> is not a domain,
    /// <see cref="DirectoryChangeResult.AlreadyExists"/> when <paramref name="alias"/> is already a domain or an alias domain,
    /// <see cref="DirectoryChangeResult.InvalidAddress"/> when <paramref name="alias"/> is not a valid domain name.</returns>
    Task<DirectoryChangeResult> AddDomainAliasAsync(string alias, string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the alias domain <paramref name="alias"/>: it is no longer a local domain, so mail to <c>x@alias</c> is refused as relaying (<c>554 5.7.1</c>).
    /// The canonical domain, its users and their mail are untouched.
    /// </summary>
    /// <returns><see cref="DirectoryChangeResult.UnknownDomain"/> when <paramref name="alias"/> is not an alias domain (a domain
    /// of its own is not one: it is never removed here), <see cref="DirectoryChangeResult.InvalidAddress"/> when it is not a valid
    /// domain name.</returns>
    Task<DirectoryChangeResult> RemoveDomainAliasAsync(string alias, CancellationToken cancellationToken);

    /// <summary>Lists the alias domains as (alias, canonical domain) pairs, lower-case, sorted by alias.</summary>
    Task<IReadOnlyList<DomainAlias>> ListDomainAliasesAsync(CancellationToken cancellationToken);

    /// <summary>Adds a user in an existing local domain; the password is stored only as a salted hash.</summary>
    Task<DirectoryChangeResult> AddUserAsync(string address, string password, CancellationToken cancellationToken);

    /// <summary>Replaces a user's password hash.</summary>
    Task<DirectoryChangeResult> SetPasswordAsync(string address, string password, CancellationToken cancellationToken);

    /// <summary>Lists every user, sorted by address.</summary>
    Task<IReadOnlyList<DirectoryUser>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Adds an alias in a local domain pointing at a target address (local user, another alias, or remote).</summary>
    Task<DirectoryChangeResult> AddAliasAsync(string alias, string target, CancellationToken cancellationToken);

    /// <summary>
    /// Sets (or, with a null <paramref name="forwardTo"/>, removes) a user's forwarding address: mail to the user is
    /// re-sent there (LDAP <c>mailRoutingAddress</c>); with <paramref name="keepCopy"/> the user's mailbox keeps a copy.
    /// </summary>
    /// <returns><see cref="DirectoryChangeResult.UnknownUser"/> when there is no such user,
    /// <see cref="DirectoryChangeResult.InvalidAddress"/> for a malformed address or a target equal to the user.</returns>
    Task<DirectoryChangeResult> SetForwardingAsync(string address, string? forwardTo, bool keepCopy, CancellationToken cancellationToken);
}

/// <summary>An alias domain: <c>x@Alias</c> is delivered as <c>x@Domain</c>.</summary>
/// <param name="Alias">The alias domain name, lower case.</param>
/// <param name="Domain">The canonical local domain, lower case.</param>
public sealed record DomainAlias(string Alias, string Domain);

/// <summary>A change of domain settings for <see cref="IDirectoryAdmin.UpdateDomainAsync"/>; null fields stay as they are.</summary>
/// <param name="Enabled">False disables the domain (it keeps its users but has no recipients: SMTP <c>550 5.1.1</c>).</param>
/// <param name="CatchAll">Address receiving mail for unknown local parts; the empty string removes the catch-all.</param>
/// <param name="DefaultQuota">Quota of users added later, octets (0 = unlimited).</param>
/// <param name="Quota">Storage quota of the whole domain, octets (0 = unlimited), enforced at delivery and APPEND.</param>
public sealed record DomainSettingsChange(bool? Enabled = null, string? CatchAll = null, long? DefaultQuota = null, long? Quota = null)
{
    /// <summary>
    /// The check every directory makes before it stores the change: a non-empty <see cref="CatchAll"/> must be a valid
    /// <c>local@domain</c> address, and quotas must not be negative.
    /// </summary>
    /// <param name="catchAll">The normalized catch-all address; null when <see cref="CatchAll"/> is null or empty (no change, or removal).</param>
    /// <returns>False when the change is to be refused with <see cref="DirectoryChangeResult.InvalidAddress"/>.</returns>
    public bool TryValidate(out string? catchAll)
    {
        catchAll = null;
        if (CatchAll is { Length: > 0 } address && !MailAddressText.TryParse(address, out catchAll, out _, out _))
        {
            catchAll = null;
            return false;
        }
        return DefaultQuota is not < 0 && Quota is not < 0;
    }
}

/// <summary>Outcome of a directory change; expected failures are values, not exceptions.</summary>
public enum DirectoryChangeResult
{
    /// <summary>The change was stored.</summary>
    Done,
    /// <summary>The address or domain already exists.</summary>
    AlreadyExists,
    /// <summary>The domain of the address is not a local virtual domain.</summary>
    UnknownDomain,
    /// <summary>The user does not exist.</summary>
    UnknownUser,
    /// <summary>The address is not a valid <c>local@domain</c> address.</summary>
    InvalidAddress,
}

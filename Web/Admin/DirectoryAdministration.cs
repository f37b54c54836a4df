using Mail.Shared.Directory;
using Mail.Shared.Directory.Transfer;

namespace Mail.Web.Admin;

/// <summary>
/// The directory operations of the management CLI and of the web admin panel, in one place: input checks and
/// normalization, the call to <see cref="IDirectoryAdmin"/>, the outcome as a value, and an audit log line naming who
/// did it (<see cref="AdminLog"/>; never a password). The CLI (<c>Commands/</c>) and the panel
/// (<c>Components/Admin/</c>) only turn the outcome into text.
/// </summary>
/// <param name="directory">The configured directory (SQL or LDAP).</param>
/// <param name="logger">Audit log.</param>
public sealed class DirectoryAdministration(IDirectoryAdmin directory, ILogger<DirectoryAdministration> logger)
{
    /// <summary>The directory behind the operations.</summary>
    public IDirectoryAdmin Directory { get; } = directory;

    /// <summary>Adds a local domain (stored lower case).</summary>
    /// <returns><see cref="AdminChangeStatus.InvalidDomain"/> (subject: the input as given), <see cref="AdminChangeStatus.AlreadyExists"/>
    /// or <see cref="AdminChangeStatus.Done"/> (subject: the normalized name).</returns>
    public async Task<AdminChange> AddDomainAsync(string actor, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var normalized = MailAddressText.NormalizeDomain(domain);
        var change = !MailAddressText.IsValidDomain(normalized) ? new AdminChange(AdminChangeStatus.InvalidDomain, domain)
            : await Directory.AddDomainAsync(normalized, cancellationToken) ? new AdminChange(AdminChangeStatus.Done, normalized)
            : new AdminChange(AdminChangeStatus.AlreadyExists, normalized);
        AdminLog.DomainAdded(logger, actor, normalized, change.Status);
        return change;
    }

    /// <summary>Makes <paramref name="alias"/> an alias domain of the local domain <paramref name="domain"/>.</summary>
    /// <returns><see cref="AdminChangeStatus.UnknownDomain"/> (subject: the domain), <see cref="AdminChangeStatus.InvalidDomain"/>
    /// (subject: the alias as given), <see cref="AdminChangeStatus.AlreadyExists"/> or <see cref="AdminChangeStatus.Done"/> (subject: the alias).</returns>
    public async Task<AdminChange> AddDomainAliasAsync(string actor, string alias, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(domain);
        var normalizedAlias = MailAddressText.NormalizeDomain(alias);
        var normalizedDomain = MailAddressText.NormalizeDomain(domain);
        var result = await Directory.AddDomainAliasAsync(normalizedAlias, normalizedDomain, cancellationToken);
        var change = result switch
        {
            DirectoryChangeResult.UnknownDomain => new AdminChange(AdminChangeStatus.UnknownDomain, normalizedDomain),
            DirectoryChangeResult.InvalidAddress => new AdminChange(AdminChangeStatus.InvalidDomain, alias),
            _ => new AdminChange(Map(result), normalizedAlias, normalizedDomain),
        };
        AdminLog.DomainAliasAdded(logger, actor, normalizedAlias, normalizedDomain, change.Status);
        return change;
    }

    /// <summary>Removes the alias domain <paramref name="alias"/> (the canonical domain is untouched).</summary>
    /// <returns><see cref="AdminChangeStatus.UnknownDomain"/> when it is not an alias domain, <see cref="AdminChangeStatus.InvalidDomain"/>
    /// (subject: the input as given), or <see cref="AdminChangeStatus.Done"/>.</returns>
    public async Task<AdminChange> RemoveDomainAliasAsync(string actor, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var normalized = MailAddressText.NormalizeDomain(alias);
        var result = await Directory.RemoveDomainAliasAsync(normalized, cancellationToken);
        var change = result == DirectoryChangeResult.InvalidAddress
            ? new AdminChange(AdminChangeStatus.InvalidDomain, alias)
            : new AdminChange(Map(result), normalized);
        AdminLog.DomainAliasRemoved(logger, actor, normalized, change.Status);
        return change;
    }

    /// <summary>Adds a user in a local domain; the password is stored only as a salted hash and never logged.</summary>
    /// <returns>Subject: the address as given, <see cref="AdminChange.Address"/> its normalized form.</returns>
    public async Task<AdminChange> AddUserAsync(string actor, string address, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var change = string.IsNullOrEmpty(password)
            ? new AdminChange(AdminChangeStatus.EmptyPassword, address)
            : new AdminChange(Map(await Directory.AddUserAsync(address, password, cancellationToken)), address);
        AdminLog.UserAdded(logger, actor, change.Address, change.Status);
        return change;
    }

    /// <summary>Replaces a user's password hash; the password is never logged.</summary>
    public async Task<AdminChange> SetPasswordAsync(string actor, string address, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var change = string.IsNullOrEmpty(password)
            ? new AdminChange(AdminChangeStatus.EmptyPassword, address)
            : new AdminChange(Map(await Directory.SetPasswordAsync(address, password, cancellationToken)), address);
        AdminLog.PasswordChanged(logger, actor, change.Address, change.Status);
        return change;
    }

    /// <summary>Adds <paramref name="alias"/> (in a local domain) pointing at <paramref name="target"/> (a user, an alias or a remote address).</summary>
    /// <returns><see cref="AdminChangeStatus.InvalidAddress"/> with the target as subject when the target is malformed,
    /// <see cref="AdminChangeStatus.SelfAlias"/>, <see cref="AdminChangeStatus.AlreadyExists"/> (the alias is a user or already has this
    /// target), otherwise the directory's result with the alias as subject and <see cref="AdminChange.Target"/> the normalized target.</returns>
    public async Task<AdminChange> AddAliasAsync(string actor, string alias, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(target);
        AdminChange change;
        var normalizedAlias = MailAddressText.Normalize(alias);
        if (!MailAddressText.TryParse(target, out var normalizedTarget, out _, out _))
        {
            change = new AdminChange(AdminChangeStatus.InvalidAddress, target);
        }
        else if (normalizedAlias == normalizedTarget)
        {
            change = new AdminChange(AdminChangeStatus.SelfAlias, alias, normalizedTarget);
        }
        else
        {
            change = new AdminChange(Map(await Directory.AddAliasAsync(alias, target, cancellationToken)), alias, normalizedTarget);
        }
        AdminLog.AliasAdded(logger, actor, normalizedAlias, normalizedTarget ?? "", change.Status);
        return change;
    }

    /// <summary>The local domains, sorted, each with its number of users and aliases and its alias domains.</summary>
    /// <remarks>Reads the whole directory (<see cref="IDirectoryTransfer.ExportAsync"/>; hashes are not passed on): meant for
    /// installations of up to some ten thousand users, like the CLI's <c>user list</c>.</remarks>
    public async Task<IReadOnlyList<AdminDomainSummary>> ListDomainsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken);
        if (snapshot is null)
        {
            var users = await Directory.ListUsersAsync(cancellationToken);
            var aliases = await Directory.ListDomainAliasesAsync(cancellationToken);
            return [.. (await Directory.ListDomainsAsync(cancellationToken)).Select(d => new AdminDomainSummary(
                d, users.Count(u => DomainOf(u.Address) == d), 0, [.. aliases.Where(a => a.Domain == d).Select(a => a.Alias)], true))];
        }
        return [.. snapshot.Domains.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => new AdminDomainSummary(
            d.Name,
            snapshot.Users.Count(u => DomainOf(u.Address) == d.Name),
            snapshot.Aliases.Count(a => DomainOf(a.Address) == d.Name),
            [.. d.AliasDomains.Order(StringComparer.Ordinal)],
            d.Active))];
    }

    /// <summary>
    /// One page of the users of <paramref name="domain"/> whose address or display name contains <paramref name="search"/>
    /// (case-insensitive; null or empty = all), sorted by address.
    /// </summary>
    /// <param name="page">1-based; clamped to the pages there are.</param>
    /// <param name="pageSize">Users per page, at least 1.</param>
    public async Task<AdminUserPage> ListUsersAsync(string domain, string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var normalized = MailAddressText.NormalizeDomain(domain ?? "");
        var text = search?.Trim() ?? "";
        var matching = (await Directory.ListUsersAsync(cancellationToken))
            .Where(u => DomainOf(u.Address) == normalized)
            .Where(u => text.Length == 0 || u.Address.Contains(text, StringComparison.OrdinalIgnoreCase) || u.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var pages = Math.Max(1, (matching.Count + pageSize - 1) / pageSize);
        var current = Math.Clamp(page, 1, pages);
        return new AdminUserPage([.. matching.Skip((current - 1) * pageSize).Take(pageSize)], matching.Count, current, pages);
    }

    /// <summary>The aliases of <paramref name="domain"/> with their targets, sorted by address; empty when the directory cannot list them.</summary>
    public async Task<IReadOnlyList<SnapshotAlias>> ListAliasesAsync(string domain, CancellationToken cancellationToken)
    {
        var normalized = MailAddressText.NormalizeDomain(domain ?? "");
        var snapshot = await SnapshotAsync(cancellationToken);
        return snapshot is null ? [] : [.. snapshot.Aliases.Where(a => DomainOf(a.Address) == normalized).OrderBy(a => a.Address, StringComparer.Ordinal)];
    }

    private async Task<DirectorySnapshot?> SnapshotAsync(CancellationToken cancellationToken) =>
        Directory is IDirectoryTransfer transfer ? await transfer.ExportAsync(cancellationToken) : null;

    private static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static AdminChangeStatus Map(DirectoryChangeResult result) => result switch
    {
        DirectoryChangeResult.Done => AdminChangeStatus.Done,
        DirectoryChangeResult.AlreadyExists => AdminChangeStatus.AlreadyExists,
        DirectoryChangeResult.UnknownDomain => AdminChangeStatus.UnknownDomain,
        DirectoryChangeResult.UnknownUser => AdminChangeStatus.UnknownUser,
        DirectoryChangeResult.InvalidAddress => AdminChangeStatus.InvalidAddress,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}

/// <summary>Outcome of an admin change; expected failures are values.</summary>
public enum AdminChangeStatus
{
    /// <summary>Stored.</summary>
    Done,
    /// <summary>The domain, user or alias (with that target) already exists.</summary>
    AlreadyExists,
    /// <summary>The domain (of the address) is not a local domain (or not an alias domain, for a removal).</summary>
    UnknownDomain,
    /// <summary>No such user.</summary>
    UnknownUser,
    /// <summary>Not a valid <c>local@domain</c> address.</summary>
    InvalidAddress,
    /// <summary>Not a valid domain name.</summary>
    InvalidDomain,
    /// <summary>An alias pointing to itself.</summary>
    SelfAlias,
    /// <summary>An empty password.</summary>
    EmptyPassword,
}

/// <summary>An admin change's outcome and what it is about.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Subject">What the message names (see each operation).</param>
/// <param name="Target">The normalized second operand (alias target, canonical domain), when there is one.</param>
public sealed record AdminChange(AdminChangeStatus Status, string Subject, string? Target = null)
{
    /// <summary>True when the change was stored.</summary>
    public bool Succeeded => Status == AdminChangeStatus.Done;

    /// <summary><see cref="Subject"/> as a normalized address (lower case, trimmed).</summary>
    public string Address => MailAddressText.Normalize(Subject);
}

/// <summary>A local domain in the admin panel's list.</summary>
/// <param name="Name">Lower-case domain name.</param>
/// <param name="Users">Number of users.</param>
/// <param name="Aliases">Number of alias addresses in the domain.</param>
/// <param name="AliasDomains">Its alias domains, sorted.</param>
/// <param name="Enabled">False when the domain is disabled (<c>admin domain disable</c>).</param>
public sealed record AdminDomainSummary(string Name, int Users, int Aliases, IReadOnlyList<string> AliasDomains, bool Enabled);

/// <summary>One page of users.</summary>
/// <param name="Users">The users of this page, sorted by address.</param>
/// <param name="Total">Users matching the search, all pages.</param>
/// <param name="Page">This page, 1-based.</param>
/// <param name="Pages">Number of pages (at least 1).</param>
public sealed record AdminUserPage(IReadOnlyList<DirectoryUser> Users, int Total, int Page, int Pages);

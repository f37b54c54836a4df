using System.DirectoryServices.Protocols;
using System.Globalization;
using Mail.Shared.Directory.Scram;

namespace Mail.Shared.Directory.Ldap;

/// <summary>The write side (<see cref="IDirectoryAdmin"/>): every change and every check before it runs on the master.</summary>
public sealed partial class LdapMailDirectory
{
    private int _containersReady;

    private string DomainsDn => "ou=" + LdapNames.Domains + "," + _baseDn;

    private string PeopleDn => "ou=" + LdapNames.People + "," + _baseDn;

    private string AliasesDn => "ou=" + LdapNames.Aliases + "," + _baseDn;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="domain"/> is not a valid domain name.</exception>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<bool> AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = MailAddressText.NormalizeDomain(domain);
        if (!MailAddressText.IsValidDomain(name))
        {
            throw new ArgumentException($"'{domain}' is not a valid domain name.", nameof(domain));
        }
        var result = await WriteAsync(connection =>
        {
            if (Search(connection, _baseDn, DomainFilter(name), [LdapNames.Cn]).Count > 0)
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            return Add(connection, LdapDn.Child(LdapNames.Cn, name, DomainsDn),
                (LdapNames.ObjectClass, [LdapNames.DomainClass]),
                (LdapNames.Cn, [name]),
                (LdapNames.Status, [LdapNames.Active]));
        }, cancellationToken);
        Invalidate(domain: name);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "domain add", name, result);
        return result == DirectoryChangeResult.Done;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) =>
        _servers.ReadAsync<IReadOnlyList<string>>(connection =>
            [.. SearchPaged(connection, $"(objectClass={LdapNames.DomainClass})", [LdapNames.Cn])
                .Select(e => e.First(LdapNames.Cn)).OfType<string>().Select(MailAddressText.NormalizeDomain)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], cancellationToken);

    /// <inheritdoc />
    /// <remarks>The entry gets the domain's <c>mailPlatformDefaultQuota</c> as quota and an <c>{SSHA512}</c> password.</remarks>
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> AddUserAsync(string address, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!MailAddressText.TryParse(address, out var normalized, out var local, out var domain))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        password = SaslPreparation.Prepare(password);
        var hash = _passwords.Hash(password);
        var result = await WriteAsync(connection =>
        {
            var domainEntry = FindDomainEntry(connection, domain);
            if (domainEntry is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (Search(connection, _baseDn, AddressFilter(normalized), [LdapNames.Mail]).Count > 0)
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            var quota = domainEntry.Long(LdapNames.DefaultQuota);
            return Add(connection, LdapDn.Child(LdapNames.Uid, normalized, PeopleDn),
                (LdapNames.ObjectClass, ["top", "person", "organizationalPerson", LdapNames.InetOrgPerson, LdapNames.InetLocalMailRecipient, LdapNames.UserClass]),
                (LdapNames.Uid, [normalized]),
                (LdapNames.Cn, [normalized]),
                (LdapNames.Sn, [local]),
                (LdapNames.Mail, [normalized]),
                (LdapNames.UserPassword, [hash, ScramSha256Credential.Create(password).Format()]),
                (LdapNames.Quota, [quota.ToString(CultureInfo.InvariantCulture)]),
                (LdapNames.Status, [LdapNames.Active]));
        }, cancellationToken);
        Invalidate(address: normalized);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "user add", normalized, result);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="password"/> is empty.</exception>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> SetPasswordAsync(string address, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!MailAddressText.TryParse(address, out var normalized, out _, out _))
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        password = SaslPreparation.Prepare(password);
        var hash = _passwords.Hash(password);
        var scram = ScramSha256Credential.Create(password).Format();
        var result = await WriteAsync(connection =>
        {
            if (FindUserEntry(connection, normalized) is not { } user)
            {
                return DirectoryChangeResult.UnknownUser;
            }
            connection.SendRequest(new ModifyRequest(user.Dn, DirectoryAttributeOperation.Replace, LdapNames.UserPassword, hash, scram));
            return DirectoryChangeResult.Done;
        }, cancellationToken);
        Invalidate(address: normalized);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "user passwd", normalized, result);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DirectoryUser>> ListUsersAsync(CancellationToken cancellationToken) =>
        _servers.ReadAsync<IReadOnlyList<DirectoryUser>>(connection =>
            [.. SearchPaged(connection, $"(&(objectClass={LdapNames.InetOrgPerson})(mail=*))",
                    [LdapNames.Mail, LdapNames.DisplayName, LdapNames.MailHost, LdapNames.Quota, LdapNames.Status])
                .Select(e => ToUser(e, MailAddressText.Normalize(e.First(LdapNames.Mail)!)))
                .DistinctBy(u => u.Address, StringComparer.Ordinal)
                .OrderBy(u => u.Address, StringComparer.Ordinal)], cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Same rules as the SQL directory. The alias is a <c>nisMailAlias</c> entry <c>cn=&lt;alias&gt;,ou=aliases</c>;
    /// each further target adds an <c>rfc822MailMember</c> value (a distribution list).
    /// </remarks>
    /// <exception cref="DirectoryUnavailableException">The master is unreachable.</exception>
    public async Task<DirectoryChangeResult> AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(alias, out var normalized, out _, out var domain)
            || !MailAddressText.TryParse(target, out var normalizedTarget, out _, out _)
            || normalized == normalizedTarget)
        {
            return DirectoryChangeResult.InvalidAddress;
        }
        var result = await WriteAsync(connection =>
        {
            if (FindDomainEntry(connection, domain) is null)
            {
                return DirectoryChangeResult.UnknownDomain;
            }
            if (FindUserEntry(connection, normalized) is not null)
            {
                return DirectoryChangeResult.AlreadyExists;
            }
            var existing = Search(connection, _baseDn,
                $"(&(objectClass={LdapNames.NisMailAlias}){LdapFilter.Equal(LdapNames.Cn, normalized)})", [LdapNames.Rfc822MailMember]);
            if (existing.Count > 0)
            {
                if (existing[0].All(LdapNames.Rfc822MailMember).Any(m => MailAddressText.Normalize(m) == normalizedTarget))
                {
                    return DirectoryChangeResult.AlreadyExists;
                }
                connection.SendRequest(new ModifyRequest(existing[0].Dn, DirectoryAttributeOperation.Add, LdapNames.Rfc822MailMember, normalizedTarget));
                return DirectoryChangeResult.Done;
            }
            return Add(connection, LdapDn.Child(LdapNames.Cn, normalized, AliasesDn),
                (LdapNames.ObjectClass, [LdapNames.NisMailAlias]),
                (LdapNames.Cn, [normalized]),
                (LdapNames.Rfc822MailMember, [normalizedTarget]));
        }, cancellationToken);
        Invalidate(address: normalized);
        await InvalidateSharedAsync();
        LdapDirectoryLog.Changed(_logger, "alias add", normalized, result);
        return result;
    }

    /// <summary>
    /// Runs a change on the master after making sure <c>ou=domains</c>, <c>ou=people</c> and <c>ou=aliases</c> exist
    /// (a fresh slapd with only the suffix entry is enough). An attribute value the schema refuses (e.g. a
    /// non-ASCII address in the IA5 <c>mail</c>) is <see cref="DirectoryChangeResult.InvalidAddress"/>.
    /// </summary>
    private Task<DirectoryChangeResult> WriteAsync(Func<LdapConnection, DirectoryChangeResult> change, CancellationToken cancellationToken) =>
        _servers.WriteAsync(connection =>
        {
            EnsureContainers(connection);
            try
            {
                return change(connection);
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.InvalidAttributeSyntax or ResultCode.ConstraintViolation)
            {
                return DirectoryChangeResult.InvalidAddress;
            }
        }, cancellationToken);

    private void EnsureContainers(LdapConnection connection)
    {
        if (Volatile.Read(ref _containersReady) == 1)
        {
            return;
        }
        foreach (var ou in new[] { LdapNames.Domains, LdapNames.People, LdapNames.Aliases })
        {
            var dn = "ou=" + ou + "," + _baseDn;
            if (Add(connection, dn, (LdapNames.ObjectClass, ["organizationalUnit"]), (LdapNames.Ou, [ou])) == DirectoryChangeResult.Done)
            {
                LdapDirectoryLog.ContainerCreated(_logger, dn);
            }
        }
        Volatile.Write(ref _containersReady, 1);
    }

    /// <summary>Adds an entry; an existing DN is <see cref="DirectoryChangeResult.AlreadyExists"/> (a concurrent writer won).</summary>
    private static DirectoryChangeResult Add(LdapConnection connection, string dn, params (string Name, string[] Values)[] attributes)
    {
        var request = new AddRequest(dn);
        foreach (var (name, values) in attributes)
        {
            request.Attributes.Add(new DirectoryAttribute(name, values.Cast<object>().ToArray()));
        }
        try
        {
            connection.SendRequest(request);
            return DirectoryChangeResult.Done;
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.EntryAlreadyExists)
        {
            return DirectoryChangeResult.AlreadyExists;
        }
    }

    /// <summary>The domain entry whose <c>cn</c> is <paramref name="domain"/> (not an alias domain).</summary>
    private LdapEntry? FindDomainEntry(LdapConnection connection, string domain) =>
        Search(connection, _baseDn, $"(&(objectClass={LdapNames.DomainClass}){LdapFilter.Equal(LdapNames.Cn, domain)})", LdapNames.DomainAttributes).FirstOrDefault();

    /// <summary>The user entry whose <c>mail</c> is <paramref name="address"/>.</summary>
    private LdapEntry? FindUserEntry(LdapConnection connection, string address) =>
        Search(connection, _baseDn, $"(&(objectClass={LdapNames.InetOrgPerson}){LdapFilter.Equal(LdapNames.Mail, address)})", [LdapNames.Mail]).FirstOrDefault();

    /// <summary>A subtree search in pages of 500 (RFC 2696), so server size limits do not cut long listings.</summary>
    private List<LdapEntry> SearchPaged(LdapConnection connection, string filter, string[] attributes)
    {
        var result = new List<LdapEntry>();
        var page = new PageResultRequestControl(500);
        while (true)
        {
            var request = new SearchRequest(_baseDn, filter, SearchScope.Subtree, attributes);
            request.Controls.Add(page);
            var response = (SearchResponse)connection.SendRequest(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                result.Add(new LdapEntry(entry));
            }
            var cookie = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie;
            if (cookie is not { Length: > 0 })
            {
                return result;
            }
            page = new PageResultRequestControl(500) { Cookie = cookie };
        }
    }
}

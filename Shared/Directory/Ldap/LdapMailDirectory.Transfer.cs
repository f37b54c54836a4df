using System.DirectoryServices.Protocols;
using System.Globalization;
using Mail.Shared.Directory.Transfer;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Export and import of the whole directory (<see cref="IDirectoryTransfer"/>).</summary>
public sealed partial class LdapMailDirectory : IDirectoryTransfer
{
    /// <summary>The configured base DN (for the LDIF export).</summary>
    public string BaseDn => _baseDn;

    /// <inheritdoc />
    public Task<DirectorySnapshot> ExportAsync(CancellationToken cancellationToken) =>
        _servers.ReadAsync(connection =>
        {
            var domains = SearchPaged(connection, $"(objectClass={LdapNames.DomainClass})", LdapNames.DomainAttributes)
                .Where(e => e.First(LdapNames.Cn) is not null)
                .Select(e => new SnapshotDomain(MailAddressText.NormalizeDomain(e.First(LdapNames.Cn)!),
                    [.. e.All(LdapNames.AssociatedDomain).Select(MailAddressText.NormalizeDomain)],
                    e.First(LdapNames.CatchAll) is { } c ? MailAddressText.Normalize(c) : null, e.Long(LdapNames.DefaultQuota), e.Active)
                { QuotaBytes = e.Long(LdapNames.DomainQuota) })
                .OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
            var users = SearchPaged(connection, $"(&(objectClass={LdapNames.InetOrgPerson})(mail=*))", LdapNames.AddressAttributes)
                .Select(e =>
                {
                    var address = MailAddressText.Normalize(e.First(LdapNames.Mail)!);
                    return new SnapshotUser(address, e.All(LdapNames.UserPassword).FirstOrDefault(p => !Scram.ScramSha256Credential.IsScramValue(p)) ?? "", e.First(LdapNames.DisplayName) ?? "",
                        e.First(LdapNames.MailHost) ?? "", e.Long(LdapNames.Quota), e.Active,
                        [.. e.All(LdapNames.MailLocalAddress).Select(MailAddressText.Normalize).Where(a => a != address).Distinct(StringComparer.Ordinal)],
                        e.First(LdapNames.MailRoutingAddress) is { } r ? MailAddressText.Normalize(r) : null)
                    {
                        KeepCopy = e.Flag(LdapNames.ForwardCopy),
                    };
                })
                .DistinctBy(u => u.Address, StringComparer.Ordinal).OrderBy(u => u.Address, StringComparer.Ordinal).ToList();
            var aliases = SearchPaged(connection, $"(objectClass={LdapNames.NisMailAlias})", [LdapNames.Cn, LdapNames.Rfc822MailMember])
                .Where(e => e.First(LdapNames.Cn) is not null)
                .Select(e => new SnapshotAlias(MailAddressText.Normalize(e.First(LdapNames.Cn)!), [.. e.All(LdapNames.Rfc822MailMember).Select(MailAddressText.Normalize)]))
                .OrderBy(a => a.Address, StringComparer.Ordinal).ToList();
            return new DirectorySnapshot(domains, users, aliases);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Password values are stored as given (<c>{PBKDF2-SHA512}</c> from the SQL directory verifies in-process).</remarks>
    public async Task<DirectoryImportResult> ImportAsync(DirectorySnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var result = await _servers.WriteAsync(connection =>
        {
            EnsureContainers(connection);
            int added = 0, existing = 0;
            var warnings = new List<string>();
            void Count(DirectoryChangeResult r, string what)
            {
                if (r == DirectoryChangeResult.Done)
                {
                    added++;
                }
                else
                {
                    existing++;
                }
            }
            foreach (var d in snapshot.Domains)
            {
                var attributes = new List<(string, string[])> { (LdapNames.ObjectClass, [LdapNames.DomainClass]), (LdapNames.Cn, [d.Name]), (LdapNames.Status, [d.Active ? LdapNames.Active : LdapNames.Disabled]) };
                if (d.AliasDomains.Count > 0)
                {
                    attributes.Add((LdapNames.AssociatedDomain, [.. d.AliasDomains]));
                }
                if (d.CatchAll is { } c)
                {
                    attributes.Add((LdapNames.CatchAll, [c]));
                }
                if (d.DefaultQuota > 0)
                {
                    attributes.Add((LdapNames.DefaultQuota, [d.DefaultQuota.ToString(CultureInfo.InvariantCulture)]));
                }
                if (d.QuotaBytes > 0)
                {
                    attributes.Add((LdapNames.DomainQuota, [d.QuotaBytes.ToString(CultureInfo.InvariantCulture)]));
                }
                Count(Search(connection, _baseDn, DomainFilter(d.Name), [LdapNames.Cn]).Count > 0
                    ? DirectoryChangeResult.AlreadyExists
                    : Add(connection, LdapDn.Child(LdapNames.Cn, d.Name, DomainsDn), [.. attributes]), d.Name);
            }
            foreach (var u in snapshot.Users)
            {
                if (Search(connection, _baseDn, AddressFilter(u.Address), [LdapNames.Mail]).Count > 0)
                {
                    existing++;
                    continue;
                }
                var local = u.Address[..u.Address.LastIndexOf('@')];
                var attributes = new List<(string, string[])>
                {
                    (LdapNames.ObjectClass, ["top", "person", "organizationalPerson", LdapNames.InetOrgPerson, LdapNames.InetLocalMailRecipient, LdapNames.UserClass]),
                    (LdapNames.Uid, [u.Address]), (LdapNames.Cn, [u.DisplayName.Length > 0 ? u.DisplayName : u.Address]), (LdapNames.Sn, [local]),
                    (LdapNames.Mail, [u.Address]), (LdapNames.Quota, [u.QuotaBytes.ToString(CultureInfo.InvariantCulture)]),
                    (LdapNames.Status, [u.Enabled ? LdapNames.Active : LdapNames.Disabled]),
                };
                if (u.DisplayName.Length > 0)
                {
                    attributes.Add((LdapNames.DisplayName, [u.DisplayName]));
                }
                if (u.MailHost.Length > 0)
                {
                    attributes.Add((LdapNames.MailHost, [u.MailHost]));
                }
                if (u.ForwardTo is { } f)
                {
                    attributes.Add((LdapNames.MailRoutingAddress, [f]));
                    if (u.KeepCopy)
                    {
                        attributes.Add((LdapNames.ForwardCopy, ["TRUE"]));
                    }
                }
                if (u.ExtraAddresses.Count > 0)
                {
                    attributes.Add((LdapNames.MailLocalAddress, [.. u.ExtraAddresses]));
                }
                if (u.PasswordHash.Length > 0)
                {
                    attributes.Add((LdapNames.UserPassword, [u.PasswordHash]));
                }
                else
                {
                    warnings.Add($"user {u.Address}: no password hash, the user cannot log in until 'admin user passwd'");
                }
                try
                {
                    Count(Add(connection, LdapDn.Child(LdapNames.Uid, u.Address, PeopleDn), [.. attributes]), u.Address);
                }
                catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.InvalidAttributeSyntax or ResultCode.ConstraintViolation)
                {
                    warnings.Add($"user {u.Address}: refused by the schema ({ex.Message}); non-ASCII addresses cannot be stored in mail/mailLocalAddress");
                }
            }
            foreach (var a in snapshot.Aliases)
            {
                var existingAlias = Search(connection, _baseDn, $"(&(objectClass={LdapNames.NisMailAlias}){LdapFilter.Equal(LdapNames.Cn, a.Address)})", [LdapNames.Rfc822MailMember]).FirstOrDefault();
                if (existingAlias is null)
                {
                    Count(Add(connection, LdapDn.Child(LdapNames.Cn, a.Address, AliasesDn),
                        (LdapNames.ObjectClass, [LdapNames.NisMailAlias]), (LdapNames.Cn, [a.Address]), (LdapNames.Rfc822MailMember, [.. a.Targets])), a.Address);
                    continue;
                }
                var missing = a.Targets.Where(t => !existingAlias.Has(LdapNames.Rfc822MailMember, t)).ToArray();
                existing += a.Targets.Count - missing.Length;
                if (missing.Length > 0)
                {
                    connection.SendRequest(new ModifyRequest(existingAlias.Dn, DirectoryAttributeOperation.Add, LdapNames.Rfc822MailMember, missing.Cast<object>().ToArray()));
                    added += missing.Length;
                }
            }
            return new DirectoryImportResult(added, existing, warnings);
        }, cancellationToken);
        ClearCache();
        await InvalidateSharedAsync();
        return result;
    }
}

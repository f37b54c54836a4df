using System.DirectoryServices.Protocols;
using Mail.Shared.Directory.Caching;
using Mail.Shared.Directory.Scram;
using Mail.Shared.Directory.Sql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Shared.Directory.Ldap;

/// <summary>
/// The directory on OpenLDAP (System.DirectoryServices.Protocols over native libldap), behind the same
/// <see cref="IMailDirectory"/> / <see cref="IDirectoryAdmin"/> contract and semantics as the SQL directory.
/// </summary>
/// <remarks>
/// <para><b>Layout</b> under <see cref="LdapDirectoryOptions.BaseDn"/> (docs in deploy/ldap/README.md):
/// domains <c>cn=&lt;domain&gt;,ou=domains</c> (<c>mailPlatformDomain</c>; <c>associatedDomain</c> = alias domains,
/// <c>mailPlatformCatchAll</c>, <c>mailPlatformDefaultQuota</c>, <c>mailPlatformStatus</c>);
/// users <c>uid=&lt;address&gt;,ou=people</c> (<c>inetOrgPerson</c> + <c>inetLocalMailRecipient</c> + <c>mailPlatformUser</c>:
/// <c>mail</c> primary address, <c>mailLocalAddress</c> extra addresses, <c>mailHost</c>, <c>mailRoutingAddress</c>
/// forwarding, <c>mailPlatformQuota</c>, <c>mailPlatformStatus</c>, <c>userPassword</c>); aliases and lists
/// <c>cn=&lt;address&gt;,ou=aliases</c> (<c>nisMailAlias</c>, one <c>rfc822MailMember</c> per target). Reads search the
/// whole subtree, so entries placed elsewhere under the base DN by other tools are found too.</para>
/// <para><b>Reads</b> go through a <see cref="DirectoryReadCache{TValue}"/> (fresh for the positive/negative TTL of
/// <c>Mail:Directory</c>; served stale up to <see cref="LdapDirectoryOptions.MaxStaleSeconds"/> while no server
/// answers). Authentication always asks a server first and falls back to the cached entry only in an outage.
/// With <c>ConnectionStrings:Redis</c>, a <see cref="RedisDirectoryCache"/> sits between memory and the servers
/// (entries without password hashes; writes clear it on every node). Every value in a filter is escaped (<see cref="LdapFilter"/>), every value in a DN too (<see cref="LdapDn"/>).</para>
/// <para><b>Passwords</b> are read with the service account and verified in-process (<see cref="LdapPasswordVerifier"/>);
/// unknown and disabled users are checked against a dummy hash, so they cost the same as a wrong password.</para>
/// <para>Addresses are IA5 in the standard schema (<c>mail</c>, <c>mailLocalAddress</c>): non-ASCII addresses are
/// refused on write (<see cref="DirectoryChangeResult.InvalidAddress"/>) and never found.</para>
/// </remarks>
public sealed partial class LdapMailDirectory : IMailDirectory, IDirectoryAdmin, IDisposable
{
    private readonly LdapServerSet _servers;
    private readonly LdapDirectoryOptions _options;
    private readonly SqlDirectoryOptions _rules;
    private readonly LdapPasswordVerifier _passwords;
    private readonly ILogger<LdapMailDirectory> _logger;
    private readonly DirectoryReadCache<LdapAddressEntry> _addresses;
    private readonly DirectoryReadCache<LdapDomainEntry> _domains;
    private readonly string _baseDn;
    private long _writeVersion;
    private int _servingStale;
    private readonly RedisDirectoryCache? _shared;

    public LdapMailDirectory(
        IOptions<LdapDirectoryOptions> options,
        IOptions<SqlDirectoryOptions> rules,
        LdapPasswordVerifier passwords,
        TimeProvider time,
        ILogger<LdapMailDirectory> logger,
        RedisDirectoryCache? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        _options = options.Value;
        _rules = rules.Value;
        if (string.IsNullOrWhiteSpace(_options.BaseDn))
        {
            throw new InvalidOperationException($"{LdapDirectoryOptions.Section}:BaseDn is empty (e.g. dc=example,dc=com).");
        }
        _baseDn = _options.BaseDn.Trim();
        _passwords = passwords;
        _logger = logger;
        _servers = new LdapServerSet(_options, time, logger);
        var positive = TimeSpan.FromSeconds(Math.Max(0, _rules.PositiveCacheSeconds));
        var negative = TimeSpan.FromSeconds(Math.Max(0, _rules.NegativeCacheSeconds));
        var stale = TimeSpan.FromSeconds(Math.Max(0, _options.MaxStaleSeconds));
        _addresses = new DirectoryReadCache<LdapAddressEntry>(positive, negative, stale, _options.MaxCacheEntries, time);
        _shared = shared;
        if (shared is not null)
        {
            shared.Invalidated += ClearCache;
        }
        _domains = new DirectoryReadCache<LdapDomainEntry>(positive, negative, stale, Math.Max(1024, _options.MaxCacheEntries / 16), time);
    }

    /// <summary>Cached addresses (fresh and stale), for the benchmark and diagnostics.</summary>
    public int CachedAddressCount => _addresses.Count;

    /// <summary>Forgets every cached answer.</summary>
    public void ClearCache()
    {
        Interlocked.Increment(ref _writeVersion);
        _addresses.Clear();
        _domains.Clear();
    }

    /// <inheritdoc />
    public async Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken)
    {
        if (!MailAddressText.TryParse(address, out var normalized, out _, out _))
        {
            return null;
        }
        return (await LookupAddressAsync(normalized, refresh: false, cancellationToken)).User;
    }

    /// <inheritdoc />
    public async Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var normalized = MailAddressText.NormalizeDomain(domain);
        return MailAddressText.IsValidDomain(normalized) && (await LookupDomainAsync(normalized, cancellationToken)).Found;
    }

    /// <inheritdoc />
    /// <remarks>The login is the user's primary address (any case). The entry is read from a server each time
    /// (a changed password counts at once); while no server answers, the cached entry is used.</remarks>
    public async Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var entry = LdapAddressEntry.None;
        var domainActive = false;
        if (MailAddressText.TryParse(login, out var normalized, out _, out var domain))
        {
            entry = await LookupAddressAsync(normalized, refresh: true, cancellationToken);
            domainActive = entry.User is not null && (await LookupDomainAsync(domain, cancellationToken)) is { Found: true, Active: true };
        }
        if (entry is not { User: { Enabled: true } user, PasswordHash: { } hash } || !domainActive)
        {
            // Same hash work as a real check: response time does not tell which addresses exist.
            _passwords.Verify(_passwords.DummyHash, password);
            return null;
        }
        return _passwords.Verify(hash, password) ? user : null;
    }

    private async Task<LdapAddressEntry> LookupAddressAsync(string address, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _addresses.TryGetFresh(address, out var cached))
        {
            return cached;
        }
        var sharedKey = "ldap:a:" + address;
        // Redis holds no password hashes: authentication (refresh) always asks a server.
        if (!refresh && _shared is not null && await _shared.GetAsync<LdapAddressEntry>(sharedKey) is { } hit)
        {
            _addresses.Set(address, hit.Value, hit.Value.Found);
            return hit.Value;
        }
        var version = Interlocked.Read(ref _writeVersion);
        var entry = await LoadAsync(_addresses, address, e => e.Found, () => SearchAddressAsync(address, cancellationToken));
        await StoreSharedAsync(sharedKey, entry with { PasswordHash = null, ScramSha256 = null }, entry.Found, version);
        return entry;
    }

    private async Task<LdapDomainEntry> LookupDomainAsync(string domain, CancellationToken cancellationToken)
    {
        if (_domains.TryGetFresh(domain, out var cached))
        {
            return cached;
        }
        var sharedKey = "ldap:d:" + domain;
        if (_shared is not null && await _shared.GetAsync<LdapDomainEntry>(sharedKey) is { } hit)
        {
            _domains.Set(domain, hit.Value, hit.Value.Found);
            return hit.Value;
        }
        var version = Interlocked.Read(ref _writeVersion);
        var entry = await LoadAsync(_domains, domain, e => e.Found, () => SearchDomainAsync(domain, cancellationToken));
        await StoreSharedAsync(sharedKey, entry, entry.Found, version);
        return entry;
    }

    /// <summary>Puts a freshly read answer into Redis unless a write happened since <paramref name="version"/>
    /// or the answer is a stale one served during an outage.</summary>
    private async Task StoreSharedAsync<T>(string key, T value, bool found, long version)
    {
        if (_shared is null || Volatile.Read(ref _servingStale) == 1 || Interlocked.Read(ref _writeVersion) != version)
        {
            return;
        }
        await _shared.SetAsync(key, value, found ? _addresses.PositiveTtl : _addresses.NegativeTtl);
    }

    /// <summary>Loads from a server and caches; in an outage serves the stale entry (logged once per outage).</summary>
    private async Task<T> LoadAsync<T>(DirectoryReadCache<T> cache, string key, Func<T, bool> found, Func<Task<T>> load)
    {
        var version = Interlocked.Read(ref _writeVersion);
        T value;
        try
        {
            value = await load();
        }
        catch (DirectoryUnavailableException) when (cache.TryGetStale(key, out var stale))
        {
            if (Interlocked.Exchange(ref _servingStale, 1) == 0)
            {
                LdapDirectoryLog.ServingStale(_logger, _options.MaxStaleSeconds);
            }
            return stale;
        }
        Volatile.Write(ref _servingStale, 0);
        // A write that happened while we read makes what we read possibly stale: do not cache it.
        if (Interlocked.Read(ref _writeVersion) == version)
        {
            cache.Set(key, value, found(value));
        }
        return value;
    }

    /// <summary>Drops every cached answer in Redis and, through Redis, in the memory of every other node.</summary>
    private async Task InvalidateSharedAsync()
    {
        if (_shared is not null)
        {
            await _shared.InvalidateAllAsync();
        }
    }

    private void Invalidate(string? address = null, string? domain = null)
    {
        Interlocked.Increment(ref _writeVersion);
        if (address is not null)
        {
            _addresses.Remove(address);
        }
        if (domain is not null)
        {
            _domains.Remove(domain);
        }
    }

    private Task<LdapAddressEntry> SearchAddressAsync(string address, CancellationToken cancellationToken)
    {
        var filter = AddressFilter(address);
        return _servers.ReadAsync(connection => ToAddressEntry(address, Search(connection, _baseDn, filter, LdapNames.AddressAttributes)), cancellationToken);
    }

    private Task<LdapDomainEntry> SearchDomainAsync(string domain, CancellationToken cancellationToken)
    {
        var filter = DomainFilter(domain);
        return _servers.ReadAsync(connection => ToDomainEntry(domain, Search(connection, _baseDn, filter, LdapNames.DomainAttributes)), cancellationToken);
    }

    /// <summary>Users whose <c>mail</c> or <c>mailLocalAddress</c> is the address, and <c>nisMailAlias</c> entries named by it.</summary>
    public static string AddressFilter(string address) =>
        $"(|(&(objectClass={LdapNames.InetOrgPerson})(|{LdapFilter.Equal(LdapNames.Mail, address)}{LdapFilter.Equal(LdapNames.MailLocalAddress, address)}))" +
        $"(&(objectClass={LdapNames.NisMailAlias}){LdapFilter.Equal(LdapNames.Cn, address)}))";

    /// <summary>Domain entries named by the domain or listing it as an alias domain.</summary>
    public static string DomainFilter(string domain) =>
        $"(&(objectClass={LdapNames.DomainClass})(|{LdapFilter.Equal(LdapNames.Cn, domain)}{LdapFilter.Equal(LdapNames.AssociatedDomain, domain)}))";

    private static List<LdapEntry> Search(LdapConnection connection, string baseDn, string filter, string[] attributes, SearchScope scope = SearchScope.Subtree)
    {
        var request = new SearchRequest(baseDn, filter, scope, attributes);
        var response = (SearchResponse)connection.SendRequest(request);
        var entries = new List<LdapEntry>(response.Entries.Count);
        foreach (SearchResultEntry entry in response.Entries)
        {
            entries.Add(new LdapEntry(entry));
        }
        return entries;
    }

    private static LdapAddressEntry ToAddressEntry(string address, List<LdapEntry> entries)
    {
        DirectoryUser? user = null;
        string? dn = null, hash = null, scram = null, routing = null;
        var keepCopy = false;
        var targets = new List<string>();
        foreach (var entry in entries.OrderBy(e => e.Dn, StringComparer.OrdinalIgnoreCase))
        {
            if (entry.IsA(LdapNames.InetOrgPerson))
            {
                var mail = entry.First(LdapNames.Mail) is { } m ? MailAddressText.Normalize(m) : null;
                if (mail == address && user is null)
                {
                    user = ToUser(entry, mail);
                    dn = entry.Dn;
                    var passwords = entry.All(LdapNames.UserPassword);
                    hash = passwords.FirstOrDefault(p => !ScramSha256Credential.IsScramValue(p));
                    scram = passwords.FirstOrDefault(ScramSha256Credential.IsScramValue);
                    routing = entry.First(LdapNames.MailRoutingAddress) is { } r ? MailAddressText.Normalize(r) : null;
                    keepCopy = entry.Flag(LdapNames.ForwardCopy);
                }
                else if (mail is not null && mail != address && entry.Has(LdapNames.MailLocalAddress, address) && !targets.Contains(mail))
                {
                    targets.Add(mail);
                }
            }
            else if (entry.IsA(LdapNames.NisMailAlias))
            {
                foreach (var member in entry.All(LdapNames.Rfc822MailMember))
                {
                    var target = MailAddressText.Normalize(member);
                    if (!targets.Contains(target))
                    {
                        targets.Add(target);
                    }
                }
            }
        }
        // A user address is never an alias too (the SQL directory refuses it; here it could come from outside tools).
        return user is not null ? new LdapAddressEntry(user, dn, hash, routing, []) { ScramSha256 = scram, KeepCopy = keepCopy } : targets.Count > 0 ? new LdapAddressEntry(null, null, null, null, targets) : LdapAddressEntry.None;
    }

    private static DirectoryUser ToUser(LdapEntry entry, string address) => new(
        address,
        entry.First(LdapNames.DisplayName) ?? "",
        entry.First(LdapNames.MailHost) ?? "",
        entry.Long(LdapNames.Quota),
        entry.Active);

    private static LdapDomainEntry ToDomainEntry(string domain, List<LdapEntry> entries)
    {
        var entry = entries.OrderBy(e => e.Dn, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(e => e.Has(LdapNames.Cn, domain))
            .FirstOrDefault();
        if (entry?.First(LdapNames.Cn) is not { } name)
        {
            return LdapDomainEntry.None;
        }
        var catchAll = entry.First(LdapNames.CatchAll) is { } c ? MailAddressText.Normalize(c) : null;
        var canonical = entry.Has(LdapNames.Cn, domain) ? domain : MailAddressText.NormalizeDomain(name);
        return new LdapDomainEntry(canonical, entry.Active, catchAll, entry.Long(LdapNames.DefaultQuota)) { Quota = entry.Long(LdapNames.DomainQuota) };
    }

    public void Dispose()
    {
        if (_shared is not null)
        {
            _shared.Invalidated -= ClearCache;
        }
        _servers.Dispose();
    }
}

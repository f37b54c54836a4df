using System.DirectoryServices.Protocols;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Ldap.Passwords;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>
/// What the LDAP model has beyond the admin commands, with entries written the way other LDAP tools
/// write them: mailLocalAddress aliases, forwarding, domain aliases, catch-all, status, stored hash schemes.
/// </summary>
public sealed class LdapDirectorySemanticsTests(LdapDirectoryFixture fixture) : IClassFixture<LdapDirectoryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private LdapMailDirectory Directory => fixture.Directory;

    private async Task<string> DomainWithUsersAsync(params string[] locals)
    {
        var domain = "d" + Guid.NewGuid().ToString("N")[..12] + ".test";
        Assert.True(await Directory.AddDomainAsync(domain, Ct));
        foreach (var local in locals)
        {
            Assert.Equal(DirectoryChangeResult.Done, await Directory.AddUserAsync($"{local}@{domain}", "pw-" + local, Ct));
        }
        return domain;
    }

    private void Modify(string dn, DirectoryAttributeOperation operation, string attribute, params string[] values)
    {
        using var connection = fixture.Server.Connect();
        connection.SendRequest(new ModifyRequest(dn, operation, attribute, values.Cast<object>().ToArray()));
        Directory.ClearCache();
    }

    private string UserDn(string address) => $"uid={address},ou=people,{fixture.Server.BaseDn}";

    private string DomainDn(string domain) => $"cn={domain},ou=domains,{fixture.Server.BaseDn}";

    [Fact]
    public async Task Resolve_MailLocalAddress_IsAnAliasOfTheUser()
    {
        var domain = await DomainWithUsersAsync("ann");
        Modify(UserDn($"ann@{domain}"), DirectoryAttributeOperation.Add, "mailLocalAddress", $"Anna.Smith@{domain}");

        Assert.Equal([$"ann@{domain}"], (await Directory.ResolveRecipientAsync($"anna.smith@{domain}", Ct)).Users);
        Assert.Equal([$"ann@{domain}"], (await Directory.ResolveRecipientAsync($"anna.smith+x@{domain}", Ct)).Users);
        Assert.Null(await Directory.FindUserAsync($"anna.smith@{domain}", Ct));
    }

    [Fact]
    public async Task Resolve_LocalMailRoutingAddress_ForwardsToThatUser_RemoteIsAForward()
    {
        var domain = await DomainWithUsersAsync("ben", "bea", "bob");
        Modify(UserDn($"ben@{domain}"), DirectoryAttributeOperation.Replace, "mailRoutingAddress", $"bea@{domain}");
        Modify(UserDn($"bob@{domain}"), DirectoryAttributeOperation.Replace, "mailRoutingAddress", "bob@elsewhere.example");

        Assert.Equal([$"bea@{domain}"], (await Directory.ResolveRecipientAsync($"ben@{domain}", Ct)).Users);
        var bob = await Directory.ResolveRecipientAsync($"bob@{domain}", Ct);
        Assert.Empty(bob.Users);
        Assert.Equal(["bob@elsewhere.example"], bob.Forwards);
        Modify(UserDn($"bob@{domain}"), DirectoryAttributeOperation.Replace, "mailPlatformForwardCopy", "TRUE");
        Directory.ClearCache();
        bob = await Directory.ResolveRecipientAsync($"Bob+tag@{domain}", Ct);
        Assert.Equal([$"bob@{domain}"], bob.Users);
        Assert.Equal(["bob@elsewhere.example"], bob.Forwards);
        // The forwarded user still logs in to its own mailbox.
        Assert.NotNull(await Directory.AuthenticateAsync($"ben@{domain}", "pw-ben", Ct));
    }

    [Fact]
    public async Task Resolve_AliasDomain_ReachesUsersOfTheCanonicalDomain()
    {
        var domain = await DomainWithUsersAsync("cat");
        var alias = "alias-" + domain;
        Modify(DomainDn(domain), DirectoryAttributeOperation.Add, "associatedDomain", alias);

        Assert.True(await Directory.IsLocalDomainAsync(alias.ToUpperInvariant(), Ct));
        Assert.Equal([$"cat@{domain}"], (await Directory.ResolveRecipientAsync($"Cat+tag@{alias}", Ct)).Users);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"nobody@{alias}", Ct)).Kind);
        Assert.False(await Directory.AddDomainAsync(alias, Ct));
    }

    [Fact]
    public async Task Resolve_CatchAll_TakesOnlyUnknownLocalParts()
    {
        var domain = await DomainWithUsersAsync("dan", "dot");
        Modify(DomainDn(domain), DirectoryAttributeOperation.Replace, "mailPlatformCatchAll", $"dot@{domain}");

        Assert.Equal([$"dot@{domain}"], (await Directory.ResolveRecipientAsync($"whatever@{domain}", Ct)).Users);
        Assert.Equal([$"dan@{domain}"], (await Directory.ResolveRecipientAsync($"dan+x@{domain}", Ct)).Users);
    }

    [Fact]
    public async Task DisabledDomain_HasNoRecipients_AndNoLogins()
    {
        var domain = await DomainWithUsersAsync("eve");
        Modify(DomainDn(domain), DirectoryAttributeOperation.Replace, "mailPlatformStatus", "disabled");

        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"eve@{domain}", Ct)).Kind);
        Assert.Null(await Directory.AuthenticateAsync($"eve@{domain}", "pw-eve", Ct));
    }

    [Fact]
    public async Task FindUser_ReadsDisplayNameMailHostAndQuota_NewUsersGetDomainDefaultQuota()
    {
        var domain = await DomainWithUsersAsync("fay");
        Modify(UserDn($"fay@{domain}"), DirectoryAttributeOperation.Replace, "displayName", "Fay Fox");
        Modify(UserDn($"fay@{domain}"), DirectoryAttributeOperation.Replace, "mailHost", "mbox2.example.com");
        Modify(DomainDn(domain), DirectoryAttributeOperation.Replace, "mailPlatformDefaultQuota", "1048576");
        await Directory.AddUserAsync($"gus@{domain}", "pw", Ct);

        var fay = await Directory.FindUserAsync($"fay@{domain}", Ct);
        var gus = await Directory.FindUserAsync($"gus@{domain}", Ct);

        Assert.Equal(new DirectoryUser($"fay@{domain}", "Fay Fox", "mbox2.example.com", 0, true), fay);
        Assert.Equal(1048576, gus?.QuotaBytes);
    }

    [Theory]
    [InlineData("{CRYPT}$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0")]
    [InlineData("{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$aC36LsUOhdK3QkwbroNWRg$JFQ8aW/iTH/QQn269Z+CLiOUhwHEqgYM06xJAIq8IdI")]
    [InlineData("{SSHA}IwqE7xJex4ph1b88L3hKejtdXFlubBUk")]
    public async Task Authenticate_StoredSchemesOfOtherTools_Verify(string stored)
    {
        var domain = await DomainWithUsersAsync("hal");
        Modify(UserDn($"hal@{domain}"), DirectoryAttributeOperation.Replace, "userPassword", stored);

        Assert.NotNull(await Directory.AuthenticateAsync($"hal@{domain}", "correct horse", Ct));
        Assert.Null(await Directory.AuthenticateAsync($"hal@{domain}", "pw-hal", Ct));
    }

    [Theory]
    [InlineData("ivy@{0}", "pw-ivy", true)]
    [InlineData("ivy@{0}", "wrong", false)]
    [InlineData("nobody@{0}", "pw-ivy", false)]
    [InlineData("nobody@elsewhere.example", "pw-ivy", false)]
    [InlineData("off@{0}", "pw-off", false)]
    [InlineData("not-an-address", "pw", false)]
    public async Task Authenticate_AnyOutcome_VerifiesExactlyOneHash(string loginPattern, string password, bool succeeds)
    {
        var counting = new CountingVerifier();
        using var directory = fixture.Server.CreateDirectory(passwords: counting);
        var domain = await DomainWithUsersAsync("ivy", "off");
        Modify(UserDn($"off@{domain}"), DirectoryAttributeOperation.Replace, "mailPlatformStatus", "disabled");
        var login = string.Format(System.Globalization.CultureInfo.InvariantCulture, loginPattern, domain);

        var user = await directory.AuthenticateAsync(login, password, Ct);

        Assert.Equal(succeeds, user is not null);
        Assert.Equal(1, counting.Verifications);
    }

    [Fact]
    public async Task AddUser_NonAsciiAddress_IsInvalidAddress()
    {
        var domain = await DomainWithUsersAsync();
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.AddUserAsync($"jürgen@{domain}", "pw", Ct));
    }

    private sealed class CountingVerifier : LdapPasswordVerifier
    {
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public override bool Verify(string stored, string password)
        {
            Interlocked.Increment(ref _verifications);
            return LdapPasswordHash.Verify(stored, password);
        }
    }
}

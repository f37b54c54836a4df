using Mail.Shared.Directory;
using Mail.Shared.Directory.Sql;

namespace Mail.Web.Tests.Shared.Directory;

/// <summary>
/// Directory semantics every backend must share (SQL on each platform DB provider, LDAP): one subclass
/// per backend supplies the directory and the few hooks that need backend access. Each test works in its
/// own random domain, so tests share one store per class.
/// </summary>
public abstract partial class MailDirectoryContract<TDirectory>
    where TDirectory : IMailDirectory, IDirectoryAdmin
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>The directory under test.</summary>
    protected abstract TDirectory Directory { get; }

    /// <summary>Suspends a user directly in the backend (no admin command exists for it yet).</summary>
    protected abstract Task DisableUserAsync(string address);

    /// <summary>The stored password values of the users of <paramref name="domain"/>, sorted by address.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredPasswordHashesAsync(string domain);

    /// <summary>Asserts that a stored value has the backend's salted-hash format and does not contain <paramref name="secret"/>.</summary>
    protected abstract void AssertSaltedHash(string hash, string secret);

    protected static string NewDomain() => "d" + Guid.NewGuid().ToString("N")[..12] + ".test";

    protected async Task<string> DomainWithUsersAsync(params string[] locals)
    {
        var domain = NewDomain();
        Assert.True(await Directory.AddDomainAsync(domain, Ct));
        foreach (var local in locals)
        {
            Assert.Equal(DirectoryChangeResult.Done, await Directory.AddUserAsync($"{local}@{domain}", "pw-" + local, Ct));
        }
        return domain;
    }

    [Fact]
    public async Task AddDomain_MixedCaseWithTrailingDot_IsLocalInAnyCase()
    {
        var domain = NewDomain();
        Assert.True(await Directory.AddDomainAsync(domain.ToUpperInvariant() + ".", Ct));

        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.True(await Directory.IsLocalDomainAsync(domain.ToUpperInvariant(), Ct));
        Assert.Contains(domain, await Directory.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task AddDomain_Twice_ReturnsFalse()
    {
        var domain = NewDomain();
        Assert.True(await Directory.AddDomainAsync(domain, Ct));
        Assert.False(await Directory.AddDomainAsync(domain.ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task AddDomain_Invalid_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Directory.AddDomainAsync("not a domain", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Directory.AddDomainAsync("a@b.test", Ct));
    }

    [Fact]
    public async Task AddUser_UnknownDomain_ReturnsUnknownDomain()
    {
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.AddUserAsync("x@" + NewDomain(), "pw", Ct));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("user@")]
    [InlineData("two words@example.com")]
    public async Task AddUser_InvalidAddress_ReturnsInvalidAddress(string address)
    {
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.AddUserAsync(address, "pw", Ct));
    }

    [Fact]
    public async Task AddUser_SameAddressOtherCase_ReturnsAlreadyExists()
    {
        var domain = await DomainWithUsersAsync("carol");
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddUserAsync($"CAROL@{domain.ToUpperInvariant()}", "pw", Ct));
    }

    [Fact]
    public async Task FindUser_AnyCase_ReturnsCanonicalLowerCaseUser()
    {
        var domain = await DomainWithUsersAsync("dave");
        var user = await Directory.FindUserAsync($"DaVe@{domain.ToUpperInvariant()}", Ct);

        Assert.NotNull(user);
        Assert.Equal($"dave@{domain}", user.Address);
        Assert.True(user.Enabled);
        Assert.Null(await Directory.FindUserAsync($"nobody@{domain}", Ct));
    }

    [Fact]
    public async Task Resolve_UserInAnyCase_ReturnsCanonicalAddress()
    {
        var domain = await DomainWithUsersAsync("erin");
        var resolution = await Directory.ResolveRecipientAsync($"ERIN@{domain.ToUpperInvariant()}", Ct);

        Assert.Equal(RecipientKind.Local, resolution.Kind);
        Assert.Equal([$"erin@{domain}"], resolution.Users);
    }

    [Fact]
    public async Task Resolve_PlusTag_ReachesUser()
    {
        var domain = await DomainWithUsersAsync("frank");
        var resolution = await Directory.ResolveRecipientAsync($"Frank+Lists.Weekly@{domain}", Ct);

        Assert.Equal(RecipientKind.Local, resolution.Kind);
        Assert.Equal([$"frank@{domain}"], resolution.Users);
    }

    [Fact]
    public async Task Resolve_UnknownLocalPart_IsUnknownUser()
    {
        var domain = await DomainWithUsersAsync("gina");
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"nobody@{domain}", Ct)).Kind);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"nobody+gina@{domain}", Ct)).Kind);
    }

    [Fact]
    public async Task Resolve_ForeignDomain_IsNotLocal()
    {
        var resolution = await Directory.ResolveRecipientAsync("someone@" + NewDomain(), Ct);
        Assert.Equal(RecipientKind.NotLocal, resolution.Kind);
        Assert.Empty(resolution.Users);
        Assert.Equal(RecipientKind.NotLocal, (await Directory.ResolveRecipientAsync("garbage", Ct)).Kind);
    }

    [Fact]
    public async Task Resolve_AliasChain_ReachesUser()
    {
        var domain = await DomainWithUsersAsync("hank");
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddAliasAsync($"Postmaster@{domain}", $"admins@{domain}", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddAliasAsync($"admins@{domain}", $"HANK@{domain}", Ct));

        var resolution = await Directory.ResolveRecipientAsync($"postmaster@{domain}", Ct);

        Assert.Equal(RecipientKind.Local, resolution.Kind);
        Assert.Equal([$"hank@{domain}"], resolution.Users);
    }

    [Fact]
    public async Task Resolve_AliasWithTag_ReachesTargets()
    {
        var domain = await DomainWithUsersAsync("ivan");
        await Directory.AddAliasAsync($"sales@{domain}", $"ivan@{domain}", Ct);

        var resolution = await Directory.ResolveRecipientAsync($"sales+promo@{domain}", Ct);

        Assert.Equal([$"ivan@{domain}"], resolution.Users);
    }

    [Fact]
    public async Task Resolve_AliasNamedWithTag_WinsOverTagStripping()
    {
        var domain = await DomainWithUsersAsync("jill", "jack");
        await Directory.AddAliasAsync($"jill+boss@{domain}", $"jack@{domain}", Ct);

        Assert.Equal([$"jack@{domain}"], (await Directory.ResolveRecipientAsync($"jill+boss@{domain}", Ct)).Users);
        Assert.Equal([$"jill@{domain}"], (await Directory.ResolveRecipientAsync($"jill+other@{domain}", Ct)).Users);
    }

    [Fact]
    public async Task Resolve_AliasTargetWithTag_ReachesUser()
    {
        var domain = await DomainWithUsersAsync("kate");
        await Directory.AddAliasAsync($"news@{domain}", $"kate+news@{domain}", Ct);

        Assert.Equal([$"kate@{domain}"], (await Directory.ResolveRecipientAsync($"news@{domain}", Ct)).Users);
    }

    [Fact]
    public async Task Resolve_DistributionList_ReturnsEachUserOnce()
    {
        var domain = await DomainWithUsersAsync("leo", "mia");
        await Directory.AddAliasAsync($"team@{domain}", $"leo@{domain}", Ct);
        await Directory.AddAliasAsync($"team@{domain}", $"mia@{domain}", Ct);
        await Directory.AddAliasAsync($"team@{domain}", $"leads@{domain}", Ct);
        await Directory.AddAliasAsync($"leads@{domain}", $"leo@{domain}", Ct);

        var resolution = await Directory.ResolveRecipientAsync($"team@{domain}", Ct);

        Assert.Equal(RecipientKind.Local, resolution.Kind);
        Assert.Equal(new[] { $"leo@{domain}", $"mia@{domain}" }, resolution.Users.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Resolve_AliasLoop_TerminatesAndKeepsUsersInTheLoop()
    {
        var domain = await DomainWithUsersAsync("nina");
        await Directory.AddAliasAsync($"a@{domain}", $"b@{domain}", Ct);
        await Directory.AddAliasAsync($"b@{domain}", $"a@{domain}", Ct);
        await Directory.AddAliasAsync($"b@{domain}", $"nina@{domain}", Ct);
        await Directory.AddAliasAsync($"self@{domain}", $"self2@{domain}", Ct);
        await Directory.AddAliasAsync($"self2@{domain}", $"self@{domain}", Ct);

        Assert.Equal([$"nina@{domain}"], (await Directory.ResolveRecipientAsync($"a@{domain}", Ct)).Users);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"self@{domain}", Ct)).Kind);
    }

    [Fact]
    public async Task Resolve_AliasChainAtMaxDepth_Resolves_OneMoreHop_IsUnknownUser()
    {
        var domain = await DomainWithUsersAsync("olga");
        var depth = new SqlDirectoryOptions().MaxAliasDepth;
        // hop1 -> hop2 -> ... -> hop{depth} -> olga: `depth` alias hops from hop1 to the user.
        for (var i = 1; i <= depth; i++)
        {
            var target = i == depth ? $"olga@{domain}" : $"hop{i + 1}@{domain}";
            await Directory.AddAliasAsync($"hop{i}@{domain}", target, Ct);
        }
        await Directory.AddAliasAsync($"hop0@{domain}", $"hop1@{domain}", Ct);

        Assert.Equal([$"olga@{domain}"], (await Directory.ResolveRecipientAsync($"hop1@{domain}", Ct)).Users);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"hop0@{domain}", Ct)).Kind);
    }

    [Fact]
    public async Task Resolve_AliasToRemote_IsAForward()
    {
        var domain = await DomainWithUsersAsync("pete");
        await Directory.AddAliasAsync($"fwd@{domain}", "Someone@Elsewhere.example", Ct);
        await Directory.AddAliasAsync($"mixed@{domain}", "someone@elsewhere.example", Ct);
        await Directory.AddAliasAsync($"mixed@{domain}", $"pete@{domain}", Ct);

        var fwd = await Directory.ResolveRecipientAsync($"fwd@{domain}", Ct);
        Assert.Equal(RecipientKind.Local, fwd.Kind);
        Assert.True(fwd.Delivers);
        Assert.Empty(fwd.Users);
        Assert.Equal(["someone@elsewhere.example"], fwd.Forwards);
        var mixed = await Directory.ResolveRecipientAsync($"mixed@{domain}", Ct);
        Assert.Equal([$"pete@{domain}"], mixed.Users);
        Assert.Equal(["someone@elsewhere.example"], mixed.Forwards);
    }

    [Fact]
    public async Task SetForwarding_Remote_Copy_Local_Off()
    {
        var domain = await DomainWithUsersAsync("fay", "fin");

        Assert.Equal(DirectoryChangeResult.Done, await Directory.SetForwardingAsync($"FAY@{domain}", "Fay@Remote.example", keepCopy: false, Ct));
        var moved = await Directory.ResolveRecipientAsync($"fay+news@{domain}", Ct);
        Assert.Empty(moved.Users);
        Assert.Equal(["fay@remote.example"], moved.Forwards);
        // Forwarding changes delivery only: the user still logs in and is listed.
        Assert.NotNull(await Directory.AuthenticateAsync($"fay@{domain}", "pw-fay", Ct));

        Assert.Equal(DirectoryChangeResult.Done, await Directory.SetForwardingAsync($"fay@{domain}", "fay@remote.example", keepCopy: true, Ct));
        var copied = await Directory.ResolveRecipientAsync($"fay@{domain}", Ct);
        Assert.Equal([$"fay@{domain}"], copied.Users);
        Assert.Equal(["fay@remote.example"], copied.Forwards);

        Assert.Equal(DirectoryChangeResult.Done, await Directory.SetForwardingAsync($"fay@{domain}", $"fin@{domain}", keepCopy: false, Ct));
        var local = await Directory.ResolveRecipientAsync($"fay@{domain}", Ct);
        Assert.Equal([$"fin@{domain}"], local.Users);
        Assert.Empty(local.Forwards);

        Assert.Equal(DirectoryChangeResult.Done, await Directory.SetForwardingAsync($"fay@{domain}", null, keepCopy: false, Ct));
        var off = await Directory.ResolveRecipientAsync($"fay@{domain}", Ct);
        Assert.Equal([$"fay@{domain}"], off.Users);
        Assert.Empty(off.Forwards);

        Assert.Equal(DirectoryChangeResult.UnknownUser, await Directory.SetForwardingAsync($"nobody@{domain}", "x@remote.example", keepCopy: false, Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.SetForwardingAsync($"fay@{domain}", $"Fay@{domain}", keepCopy: false, Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.SetForwardingAsync($"fay@{domain}", "not an address", keepCopy: false, Ct));
    }

    [Fact]
    public async Task AddAlias_Rules()
    {
        var domain = await DomainWithUsersAsync("quinn");
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddAliasAsync($"QUINN@{domain}", "x@elsewhere.example", Ct));
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.AddAliasAsync("x@" + NewDomain(), $"quinn@{domain}", Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.AddAliasAsync($"x@{domain}", "not an address", Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.AddAliasAsync($"x@{domain}", $"X@{domain}", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddAliasAsync($"x@{domain}", $"quinn@{domain}", Ct));
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddAliasAsync($"X@{domain}", $"Quinn@{domain}", Ct));
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddUserAsync($"x@{domain}", "pw", Ct));
    }

    [Fact]
    public async Task Resolve_NegativeResultThenAddUser_SeesUserAtOnce()
    {
        var domain = await DomainWithUsersAsync();
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"late@{domain}", Ct)).Kind);

        await Directory.AddUserAsync($"late@{domain}", "pw", Ct);

        Assert.Equal(RecipientKind.Local, (await Directory.ResolveRecipientAsync($"late@{domain}", Ct)).Kind);
    }

    [Fact]
    public async Task Password_IsStoredOnlyAsSaltedHash()
    {
        var domain = await DomainWithUsersAsync();
        const string secret = "correct horse battery staple";
        await Directory.AddUserAsync($"r1@{domain}", secret, Ct);
        await Directory.AddUserAsync($"r2@{domain}", secret, Ct);

        var hashes = await StoredPasswordHashesAsync(domain);

        Assert.Equal(2, hashes.Count);
        Assert.NotEqual(hashes[0], hashes[1]); // salted
        foreach (var hash in hashes)
        {
            Assert.DoesNotContain(secret, hash, StringComparison.Ordinal);
            AssertSaltedHash(hash, secret);
        }
    }

    [Fact]
    public async Task Authenticate_RightPasswordAnyCaseLogin_ReturnsUser_WrongOrUnknown_ReturnsNull()
    {
        var domain = await DomainWithUsersAsync("sam");

        var user = await Directory.AuthenticateAsync($"SAM@{domain.ToUpperInvariant()}", "pw-sam", Ct);
        Assert.NotNull(user);
        Assert.Equal($"sam@{domain}", user.Address);

        Assert.Null(await Directory.AuthenticateAsync($"sam@{domain}", "PW-SAM", Ct));
        Assert.Null(await Directory.AuthenticateAsync($"sam@{domain}", "", Ct));
        Assert.Null(await Directory.AuthenticateAsync($"nobody@{domain}", "pw-sam", Ct));
        Assert.Null(await Directory.AuthenticateAsync("not an address", "pw-sam", Ct));
    }

    [Fact]
    public async Task Authenticate_DisabledUser_ReturnsNull_AndReceivesNothing()
    {
        var domain = await DomainWithUsersAsync("tina");
        await DisableUserAsync($"tina@{domain}");

        Assert.Null(await Directory.AuthenticateAsync($"tina@{domain}", "pw-tina", Ct));
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync($"tina@{domain}", Ct)).Kind);
    }

    [Fact]
    public async Task SetPassword_ReplacesHash_UnknownUserIsReported()
    {
        var domain = await DomainWithUsersAsync("uma");

        Assert.Equal(DirectoryChangeResult.Done, await Directory.SetPasswordAsync($"UMA@{domain}", "new-secret", Ct));

        Assert.Null(await Directory.AuthenticateAsync($"uma@{domain}", "pw-uma", Ct));
        Assert.NotNull(await Directory.AuthenticateAsync($"uma@{domain}", "new-secret", Ct));
        Assert.Equal(DirectoryChangeResult.UnknownUser, await Directory.SetPasswordAsync($"nobody@{domain}", "x", Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.SetPasswordAsync("nobody", "x", Ct));
    }

    [Fact]
    public async Task ListUsers_IsSortedByAddress()
    {
        var domain = await DomainWithUsersAsync("zed", "amy", "Mel");
        var users = (await Directory.ListUsersAsync(Ct)).Where(u => u.Address.EndsWith("@" + domain, StringComparison.Ordinal)).Select(u => u.Address);

        Assert.Equal([$"amy@{domain}", $"mel@{domain}", $"zed@{domain}"], users);
    }
}

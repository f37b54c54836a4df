using Mail.Shared.Directory;
using Mail.Shared.Directory.Transfer;

namespace Mail.Web.Tests.Shared.Directory;

/// <summary>Domain aliases, catch-all, domain status and quotas: the same cases on every backend.</summary>
public abstract partial class MailDirectoryContract<TDirectory>
{
    private IDirectoryTransfer Transfer => (IDirectoryTransfer)Directory;

    [Fact]
    public async Task DomainAlias_AddressInAlias_ResolvesToCanonicalUser()
    {
        var domain = await DomainWithUsersAsync("bob");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias.ToUpperInvariant(), domain, Ct));

        Assert.True(await Directory.IsLocalDomainAsync(alias, Ct));
        var resolution = await Directory.ResolveRecipientAsync("Bob@" + alias, Ct);
        Assert.Equal(RecipientKind.Local, resolution.Kind);
        Assert.Equal(["bob@" + domain], resolution.Users);
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob+tag@" + alias, Ct)).Users);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync("nobody@" + alias, Ct)).Kind);
    }

    [Fact]
    public async Task DomainAlias_AliasTargetInAliasDomain_IsLocalNotForwarded()
    {
        var domain = await DomainWithUsersAsync("bob");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddAliasAsync("team@" + domain, "bob@" + alias, Ct));

        var resolution = await Directory.ResolveRecipientAsync("team@" + domain, Ct);
        Assert.Equal(["bob@" + domain], resolution.Users);
        Assert.Empty(resolution.Forwards);
    }

    [Fact]
    public async Task AddDomainAlias_UnknownDomainExistingOrInvalid_ReturnsError()
    {
        var domain = await DomainWithUsersAsync();
        var other = await DomainWithUsersAsync();
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.AddDomainAliasAsync(alias, NewDomain(), Ct));
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddDomainAliasAsync(other, domain, Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.AddDomainAliasAsync("not a domain", domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.AlreadyExists, await Directory.AddDomainAliasAsync(alias, other, Ct));
        Assert.False(await Directory.AddDomainAsync(alias, Ct));
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.AddUserAsync("x@" + alias, "pw", Ct));
    }

    [Fact]
    public async Task RemoveDomainAlias_AliasStopsResolving_DomainUsersAndOtherAliasesStay()
    {
        var domain = await DomainWithUsersAsync("bob");
        var alias = NewDomain();
        var kept = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(kept, domain, Ct));
        // Cached before the removal: the removal must drop these answers.
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob@" + alias, Ct)).Users);
        Assert.True(await Directory.IsLocalDomainAsync(alias, Ct));
        Assert.Contains(new DomainAlias(alias, domain), await Directory.ListDomainAliasesAsync(Ct));

        Assert.Equal(DirectoryChangeResult.Done, await Directory.RemoveDomainAliasAsync(alias.ToUpperInvariant() + ".", Ct));

        Assert.False(await Directory.IsLocalDomainAsync(alias, Ct));
        Assert.Equal(RecipientKind.NotLocal, (await Directory.ResolveRecipientAsync("bob@" + alias, Ct)).Kind);
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob@" + kept, Ct)).Users);
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob@" + domain, Ct)).Users);
        var aliases = await Directory.ListDomainAliasesAsync(Ct);
        Assert.DoesNotContain(aliases, a => a.Alias == alias);
        Assert.Contains(new DomainAlias(kept, domain), aliases);
        Assert.Equal([.. aliases.Select(a => a.Alias).Order(StringComparer.Ordinal)], aliases.Select(a => a.Alias));
        Assert.Contains(domain, await Directory.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task RemoveDomainAlias_NotAnAliasDomainOrInvalid_ReturnsErrorAndChangesNothing()
    {
        var domain = await DomainWithUsersAsync("bob");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));

        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.RemoveDomainAliasAsync(domain, Ct));
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.RemoveDomainAliasAsync(NewDomain(), Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.RemoveDomainAliasAsync("not a domain", Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.RemoveDomainAliasAsync("*", Ct));
        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob@" + alias, Ct)).Users);

        // Removed once, then gone; the name can then become an alias of another domain.
        Assert.Equal(DirectoryChangeResult.Done, await Directory.RemoveDomainAliasAsync(alias, Ct));
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.RemoveDomainAliasAsync(alias, Ct));
        var other = await DomainWithUsersAsync("bob");
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, other, Ct));
        Assert.Equal(["bob@" + other], (await Directory.ResolveRecipientAsync("bob@" + alias, Ct)).Users);
    }

    [Fact]
    public async Task CatchAll_UnknownLocalPart_GoesToCatchAllKnownAddressesDoNot()
    {
        var domain = await DomainWithUsersAsync("bob", "carol");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(CatchAll: "Bob@" + domain), Ct));

        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("whatever@" + domain, Ct)).Users);
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("whatever@" + alias, Ct)).Users);
        Assert.Equal(["carol@" + domain], (await Directory.ResolveRecipientAsync("carol@" + domain, Ct)).Users);

        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(CatchAll: ""), Ct));
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync("whatever@" + domain, Ct)).Kind);
    }

    [Fact]
    public async Task CatchAll_RemoteTarget_IsForwarded()
    {
        var domain = await DomainWithUsersAsync("bob");
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(CatchAll: "sink@remote.example"), Ct));

        var resolution = await Directory.ResolveRecipientAsync("whatever@" + domain, Ct);
        Assert.True(resolution.Delivers);
        Assert.Empty(resolution.Users);
        Assert.Equal(["sink@remote.example"], resolution.Forwards);
    }

    [Fact]
    public async Task DisabledDomain_HasNoRecipients_UntilEnabledAgain()
    {
        var domain = await DomainWithUsersAsync("bob");
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(Enabled: false), Ct));

        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync("bob@" + domain, Ct)).Kind);

        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(Enabled: true), Ct));
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("bob@" + domain, Ct)).Users);
    }

    [Fact]
    public async Task UpdateDomain_UnknownDomainOrBadValues_ReturnsError()
    {
        var domain = await DomainWithUsersAsync();
        Assert.Equal(DirectoryChangeResult.UnknownDomain, await Directory.UpdateDomainAsync(NewDomain(), new DomainSettingsChange(Enabled: false), Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(CatchAll: "no-at-sign"), Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(Quota: -1), Ct));
    }

    [Fact]
    public async Task DefaultQuota_AppliesToUsersAddedLater()
    {
        var domain = await DomainWithUsersAsync("early");
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(DefaultQuota: 5_000_000), Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddUserAsync("late@" + domain, "pw", Ct));

        Assert.Equal(0, (await Directory.FindUserAsync("early@" + domain, Ct))!.QuotaBytes);
        Assert.Equal(5_000_000, (await Directory.FindUserAsync("late@" + domain, Ct))!.QuotaBytes);
    }

    [Fact]
    public async Task Export_CarriesDomainSettings()
    {
        var domain = await DomainWithUsersAsync("bob");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain,
            new DomainSettingsChange(Enabled: false, CatchAll: "bob@" + domain, DefaultQuota: 1000, Quota: 9000), Ct));

        var exported = Assert.Single((await Transfer.ExportAsync(Ct)).Domains, d => d.Name == domain);

        Assert.Equal([alias], exported.AliasDomains);
        Assert.Equal("bob@" + domain, exported.CatchAll);
        Assert.Equal(1000, exported.DefaultQuota);
        Assert.Equal(9000, exported.QuotaBytes);
        Assert.False(exported.Active);
    }

    [Fact]
    public async Task Import_DomainSettings_AreStoredAndResolvedWithoutWarnings()
    {
        var domain = NewDomain();
        var alias = NewDomain();
        var disabled = NewDomain();
        var snapshot = new DirectorySnapshot(
            [
                new SnapshotDomain(domain, [alias], "bob@" + domain, 2000, Active: true) { QuotaBytes = 8000 },
                new SnapshotDomain(disabled, [], null, 0, Active: false),
            ],
            [
                new SnapshotUser("bob@" + domain, "", "Bob", "", 2000, Enabled: true, [], null),
                new SnapshotUser("eve@" + disabled, "", "Eve", "", 0, Enabled: true, [], null),
            ],
            []);

        var result = await Transfer.ImportAsync(snapshot, Ct);

        Assert.DoesNotContain(result.Warnings, w => w.StartsWith("domain", StringComparison.Ordinal));
        Assert.Equal(["bob@" + domain], (await Directory.ResolveRecipientAsync("anyone@" + alias, Ct)).Users);
        Assert.Equal(RecipientKind.UnknownUser, (await Directory.ResolveRecipientAsync("eve@" + disabled, Ct)).Kind);
        var exported = Assert.Single((await Transfer.ExportAsync(Ct)).Domains, d => d.Name == domain);
        Assert.Equal(8000, exported.QuotaBytes);
        Assert.Equal(2000, exported.DefaultQuota);
    }
}

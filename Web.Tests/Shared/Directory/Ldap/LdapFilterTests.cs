using Mail.Shared.Directory;
using Mail.Shared.Directory.Ldap;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>RFC 4515 filter escaping, and that hostile addresses never widen a search on a real slapd.</summary>
public sealed class LdapFilterTests(LdapDirectoryFixture fixture) : IClassFixture<LdapDirectoryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData("a*b", "a\\2ab")]
    [InlineData("(a)", "\\28a\\29")]
    [InlineData("a\\b", "a\\5cb")]
    [InlineData("a\0b", "a\\00b")]
    [InlineData("*)(|(mail=*", "\\2a\\29\\28|\\28mail=\\2a")]
    [InlineData("plain@example.com", "plain@example.com")]
    public void Escape_SpecialCharacters_AreHexEscaped(string value, string expected)
    {
        Assert.Equal(expected, LdapFilter.Escape(value));
    }

    [Theory]
    [InlineData("a,b", "a\\,b")]
    [InlineData("#a ", "\\#a\\ ")]
    [InlineData("a+b=c", "a\\+b\\=c")]
    public void DnEscape_SpecialCharacters_AreEscaped(string value, string expected)
    {
        Assert.Equal(expected, LdapDn.EscapeValue(value));
    }

    [Fact]
    public void AddressFilter_HostileAddress_StaysOneEqualityPerAttribute()
    {
        var filter = LdapMailDirectory.AddressFilter("*)(objectClass=*");

        Assert.DoesNotContain("=*", filter, StringComparison.Ordinal);
        Assert.Contains("(mail=\\2a\\29\\28objectClass=\\2a)", filter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*@{0}")]
    [InlineData("v*@{0}")]
    [InlineData("*")]
    [InlineData("victim@*")]
    [InlineData("*)(mail=*@{0}")]
    [InlineData("victim)(|(mail=*@{0}")]
    [InlineData("vic\\74im@{0}")]
    [InlineData("victim\0@{0}")]
    [InlineData("victim@{0}\0")]
    [InlineData("(victim)@{0}")]
    public async Task EveryLookup_HostileAddress_FindsNothing(string pattern)
    {
        var domain = "d" + Guid.NewGuid().ToString("N")[..12] + ".test";
        var directory = fixture.Directory;
        Assert.True(await directory.AddDomainAsync(domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync($"victim@{domain}", "pw", Ct));
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddAliasAsync($"list@{domain}", $"victim@{domain}", Ct));
        var address = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, domain);

        Assert.Null(await directory.FindUserAsync(address, Ct));
        Assert.Null(await directory.AuthenticateAsync(address, "pw", Ct));
        Assert.NotEqual(RecipientKind.Local, (await directory.ResolveRecipientAsync(address, Ct)).Kind);
        Assert.False(await directory.IsLocalDomainAsync("*", Ct));
        Assert.False(await directory.IsLocalDomainAsync("*.test", Ct));
        Assert.False(await directory.IsLocalDomainAsync(domain + ")(cn=*", Ct));
        Assert.Equal(DirectoryChangeResult.UnknownUser, await directory.SetPasswordAsync($"*@{domain}", "x", Ct));
        Assert.Equal(DirectoryChangeResult.InvalidAddress, await directory.AddUserAsync("x@*.test", "pw", Ct));
        // The victim still authenticates with its own password only.
        Assert.NotNull(await directory.AuthenticateAsync($"victim@{domain}", "pw", Ct));
    }
}

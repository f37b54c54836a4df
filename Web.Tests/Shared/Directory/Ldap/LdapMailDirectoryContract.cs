using Mail.Shared.Directory.Ldap;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>The shared directory contract on the LDAP directory against a real slapd (needs MAIL_TEST_LDAP_URI).</summary>
public sealed class LdapMailDirectoryContractTests(LdapDirectoryFixture fixture)
    : MailDirectoryContract<LdapMailDirectory>, IClassFixture<LdapDirectoryFixture>
{
    protected override LdapMailDirectory Directory => fixture.Directory;

    protected override Task DisableUserAsync(string address)
    {
        fixture.Server.ReplaceOnUser(address, "mailPlatformStatus", "disabled");
        fixture.Directory.ClearCache();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> StoredPasswordHashesAsync(string domain)
    {
        IReadOnlyList<string> hashes = [.. fixture.Server.Search($"(mail=*@{domain})", "mail", "userPassword")
            .OrderBy(e => (string)e.Attributes["mail"][0], StringComparer.Ordinal)
            .Select(e => (string)e.Attributes["userpassword"].GetValues(typeof(string))[0])];
        return Task.FromResult(hashes);
    }

    protected override void AssertSaltedHash(string hash, string secret)
    {
        Assert.StartsWith("{SSHA512}", hash, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(hash["{SSHA512}".Length..]);
        Assert.Equal(64 + 16, bytes.Length); // SHA-512 digest + 16-octet salt
    }
}

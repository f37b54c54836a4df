using System.DirectoryServices.Protocols;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Scram;
using Mail.Shared.Platform;
using Mail.Web.Tests.Shared.Directory.Ldap;
using Mail.Web.Tests.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Tests.Shared.Directory.Scram;

/// <summary>
/// SCRAM-SHA-256 keys are written with every password on SQLite, MariaDB (the migration adds <c>Users.ScramSha256</c>
/// on both) and LDAP (a second <c>userPassword</c> value in Dovecot's format), read back through
/// <see cref="IScramCredentialStore"/>, and never returned for unknown or disabled users.
/// </summary>
public sealed class ScramCredentialStoreTests(LdapDirectoryFixture ldap) : IClassFixture<LdapDirectoryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(PlatformDbProvider.Sqlite)]
    [InlineData(PlatformDbProvider.MySql)]
    public async Task Sql_AddAndSetPassword_StoreKeysThatMatchThePassword(PlatformDbProvider provider)
    {
        await using var platform = await PlatformTestServices.CreateAsync(provider);
        var admin = platform.Get<IDirectoryAdmin>();
        var store = (IScramCredentialStore)platform.Get<IMailDirectory>();
        await admin.AddDomainAsync("example.com", Ct);
        await admin.AddUserAsync("alice@example.com", "first", Ct);

        var found = await store.FindScramSha256Async("Alice@Example.com", Ct);
        Assert.NotNull(found);
        Assert.Equal("alice@example.com", found.User.Address);
        Assert.True(found.Credential.Verify("first"));
        Assert.Equal(ScramSha256Credential.DefaultIterations, found.Credential.Iterations);

        await admin.SetPasswordAsync("alice@example.com", "second", Ct);
        found = await store.FindScramSha256Async("alice@example.com", Ct);
        Assert.True(found!.Credential.Verify("second"));
        Assert.False(found.Credential.Verify("first"));
        Assert.Null(await store.FindScramSha256Async("nobody@example.com", Ct));
        Assert.Null(await store.FindScramSha256Async("not an address", Ct));
    }

    [Fact]
    public async Task Sql_UserWithoutKeys_GetsThemAtTheNextPasswordLogin_DisabledUserNever()
    {
        await using var platform = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite);
        var admin = platform.Get<IDirectoryAdmin>();
        var directory = platform.Get<IMailDirectory>();
        var store = (IScramCredentialStore)directory;
        await admin.AddDomainAsync("example.com", Ct);
        await admin.AddUserAsync("old@example.com", "pw", Ct);
        await admin.AddUserAsync("off@example.com", "pw", Ct);
        await using (var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync())
        {
            // As before the migration: a password hash without SCRAM keys.
            await db.Users.Where(u => u.Address == "old@example.com").ExecuteUpdateAsync(s => s.SetProperty(u => u.ScramSha256, (string?)null));
            await db.Users.Where(u => u.Address == "off@example.com").ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, false));
        }
        Assert.Null(await store.FindScramSha256Async("old@example.com", Ct));
        Assert.Null(await store.FindScramSha256Async("off@example.com", Ct));

        Assert.NotNull(await directory.AuthenticateAsync("old@example.com", "pw", Ct));
        Assert.True((await store.FindScramSha256Async("old@example.com", Ct))!.Credential.Verify("pw"));
    }

    [Fact]
    public async Task Ldap_AddAndSetPassword_WriteADovecotScramValueBesideTheHash()
    {
        var directory = ldap.Directory;
        var domain = "s" + Guid.NewGuid().ToString("N")[..12] + ".test";
        Assert.True(await directory.AddDomainAsync(domain, Ct));
        var address = $"sam@{domain}";
        Assert.Equal(DirectoryChangeResult.Done, await directory.AddUserAsync(address, "first", Ct));

        var values = UserPasswords(address);
        Assert.Equal(2, values.Count);
        Assert.Single(values, v => v.StartsWith("{SSHA512}", StringComparison.Ordinal));
        Assert.Single(values, v => v.StartsWith("{SCRAM-SHA-256}4096,", StringComparison.Ordinal));
        Assert.True((await directory.FindScramSha256Async(address, Ct))!.Credential.Verify("first"));
        // The hash value still verifies plaintext logins.
        Assert.NotNull(await directory.AuthenticateAsync(address, "first", Ct));

        Assert.Equal(DirectoryChangeResult.Done, await directory.SetPasswordAsync(address, "second", Ct));
        Assert.Equal(2, UserPasswords(address).Count);
        Assert.True((await directory.FindScramSha256Async(address, Ct))!.Credential.Verify("second"));
        Assert.NotNull(await directory.AuthenticateAsync(address, "second", Ct));
        Assert.Null(await directory.FindScramSha256Async($"nobody@{domain}", Ct));
    }

    private List<string> UserPasswords(string address)
    {
        using var connection = ldap.Server.Connect();
        var response = (SearchResponse)connection.SendRequest(new SearchRequest($"uid={address},ou=people,{ldap.Server.BaseDn}", "(objectClass=*)", SearchScope.Base, "userPassword"));
        var attribute = response.Entries[0].Attributes["userPassword"];
        return [.. attribute.GetValues(typeof(byte[])).Cast<byte[]>().Select(System.Text.Encoding.UTF8.GetString)];
    }
}

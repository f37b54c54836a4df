using System.DirectoryServices.Protocols;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Sql;
using Mail.Shared.Directory.Transfer;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Admin;
using Mail.Web.Tests.Web.Platform;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>Migration between the SQL and LDAP directories through LDIF: same logins, same recipients.</summary>
public sealed class DirectoryTransferTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<string> ToLdifAsync(DirectorySnapshot snapshot)
    {
        await using var text = new StringWriter();
        await DirectoryLdif.WriteAsync(snapshot, SlapdProcess.BaseDn, text);
        return text.ToString();
    }

    [Fact]
    public async Task SqlToLdapToSql_LoginsAndRecipientsSurvive()
    {
        await using var sql = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite);
        var source = sql.Get<SqlMailDirectory>();
        await source.AddDomainAsync("example.com", Ct);
        await source.AddUserAsync("alice@example.com", "alice-pw", Ct);
        await source.AddUserAsync("bob@example.com", "bob pw with spaces", Ct);
        await source.AddAliasAsync("team@example.com", "alice@example.com", Ct);
        await source.AddAliasAsync("team@example.com", "bob@example.com", Ct);
        await source.AddAliasAsync("fwd@example.com", "someone@elsewhere.example", Ct);
        await source.SetForwardingAsync("bob@example.com", "bob@elsewhere.example", keepCopy: true, Ct);

        var ldif = await ToLdifAsync(await source.ExportAsync(Ct));
        Assert.DoesNotContain("alice-pw", ldif, StringComparison.Ordinal);
        Assert.Contains("userPassword: {PBKDF2-SHA512}", ldif, StringComparison.Ordinal);

        await using var slapd = await SlapdProcess.StartNewAsync();
        using var ldap = slapd.Server.CreateDirectory();
        var imported = await ldap.ImportAsync(await DirectoryLdif.ReadAsync(new StringReader(ldif)), Ct);
        Assert.Equal(1 + 2 + 2, imported.Added);
        Assert.Empty(imported.Warnings);
        Assert.Equal(0, (await ldap.ImportAsync(await DirectoryLdif.ReadAsync(new StringReader(ldif)), Ct)).Added); // re-runnable

        Assert.NotNull(await ldap.AuthenticateAsync("alice@example.com", "alice-pw", Ct));
        Assert.NotNull(await ldap.AuthenticateAsync("bob@example.com", "bob pw with spaces", Ct));
        Assert.Null(await ldap.AuthenticateAsync("bob@example.com", "alice-pw", Ct));
        Assert.Equal(["alice@example.com", "bob@example.com"], (await ldap.ResolveRecipientAsync("team@example.com", Ct)).Users.Order(StringComparer.Ordinal));
        Assert.Contains("mailRoutingAddress: bob@elsewhere.example", ldif, StringComparison.Ordinal);
        Assert.Contains("mailPlatformForwardCopy: TRUE", ldif, StringComparison.Ordinal);
        var bobOnLdap = await ldap.ResolveRecipientAsync("bob@example.com", Ct);
        Assert.Equal(["bob@example.com"], bobOnLdap.Users);
        Assert.Equal(["bob@elsewhere.example"], bobOnLdap.Forwards);

        // LDAP-only data: an {SSHA512} password set on LDAP, a {CRYPT} one, an extra address.
        Assert.Equal(DirectoryChangeResult.Done, await ldap.SetPasswordAsync("alice@example.com", "changed", Ct));
        using (var connection = slapd.Server.Connect())
        {
            var bob = $"uid=bob@example.com,ou=people,{SlapdProcess.BaseDn}";
            connection.SendRequest(new ModifyRequest(bob, DirectoryAttributeOperation.Replace, "userPassword",
                "{CRYPT}$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"));
            connection.SendRequest(new ModifyRequest(bob, DirectoryAttributeOperation.Add, "mailLocalAddress", "robert@example.com"));
        }

        await using var back = await PlatformTestServices.CreateAsync(PlatformDbProvider.Sqlite);
        var target = back.Get<SqlMailDirectory>();
        var result = await target.ImportAsync(await DirectoryLdif.ReadAsync(new StringReader(await ToLdifAsync(await ldap.ExportAsync(Ct)))), Ct);

        Assert.Empty(result.Warnings);
        Assert.NotNull(await target.AuthenticateAsync("alice@example.com", "changed", Ct));
        Assert.NotNull(await target.AuthenticateAsync("bob@example.com", "correct horse", Ct));
        Assert.NotNull(await target.AuthenticateAsync("bob@example.com", "correct horse", Ct)); // after the rehash to Identity V3
        Assert.Null(await target.AuthenticateAsync("bob@example.com", "bob pw with spaces", Ct));
        Assert.Equal(["bob@example.com"], (await target.ResolveRecipientAsync("robert@example.com", Ct)).Users);
        Assert.Equal(["someone@elsewhere.example"], (await target.ResolveRecipientAsync("fwd@example.com", Ct)).Forwards);
        var bobBack = await target.ResolveRecipientAsync("bob@example.com", Ct);
        Assert.Equal(["bob@example.com"], bobBack.Users);
        Assert.Equal(["bob@elsewhere.example"], bobBack.Forwards);
        Assert.Equal(2, (await target.ListUsersAsync(Ct)).Count);
    }

    [Fact]
    public async Task AdminCli_ExportFromSql_ImportIntoFreshSlapd()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "transfer-cli-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(dataPath, "export.ldif");
        try
        {
            var sqlArgs = new[] { "--Mail:DataPath=" + dataPath };
            Assert.Equal(0, (await AdminProcess.RunAsync(["domain", "add", "example.com", .. sqlArgs], null)).ExitCode);
            Assert.Equal(0, (await AdminProcess.RunAsync(["user", "add", "carol@example.com", "--password-stdin", .. sqlArgs], "carol-pw\n")).ExitCode);
            var r = await AdminProcess.RunAsync(["directory", "export", file, .. sqlArgs], null);
            Assert.True(r.ExitCode == 0, r.ToString());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            await using var slapd = await SlapdProcess.StartNewAsync();
            r = await AdminProcess.RunAsync(["directory", "import", file, "--Mail:DataPath=" + dataPath, .. slapd.Server.Settings().Select(kv => $"--{kv.Key}={kv.Value}")], null);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("imported 2 entries, 0 already present, 0 warning(s)", r.Output.Trim());

            using var ldap = slapd.Server.CreateDirectory();
            Assert.NotNull(await ldap.AuthenticateAsync("carol@example.com", "carol-pw", Ct));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (System.IO.Directory.Exists(dataPath))
            {
                System.IO.Directory.Delete(dataPath, recursive: true);
            }
        }
    }
}

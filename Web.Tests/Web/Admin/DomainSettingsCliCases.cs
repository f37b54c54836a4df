using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Shared.Directory.Ldap;
using Mail.Web.Tests.Web.Platform;

namespace Mail.Web.Tests.Web.Admin;

/// <summary>
/// <c>admin domain alias [remove|list]|enable|disable|catch-all|quota|default-quota</c> as a real process: the same script on the
/// SQL directory (SQLite and MariaDB) and on a fresh slapd, checked through the directory each backend opens.
/// </summary>
public sealed class DomainSettingsCliCases
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task DomainCommands_Sqlite_ChangeResolution()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "admin-domain-" + Guid.NewGuid().ToString("N"));
        try
        {
            await RunScriptAsync(
                (stdin, args) => AdminProcess.RunAsync([.. args, "--Mail:DataPath=" + dataPath], stdin),
                async check =>
                {
                    await using var platform = await PlatformTestServices.CreateAsync(
                        PlatformDbProvider.Sqlite, extraSettings: new Dictionary<string, string?> { ["Mail:DataPath"] = dataPath });
                    await check(platform.Get<IMailDirectory>());
                });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }

    [Fact]
    public async Task DomainCommands_MariaDb_ChangeResolution()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "admin-domain-mysql-" + Guid.NewGuid().ToString("N"));
        var settings = PlatformTestServices.Settings(PlatformDbProvider.MySql, dataPath);
        // One reader for the whole script, without a cache, so it sees each change the CLI makes; disposing it drops the database.
        settings["Mail:Directory:PositiveCacheSeconds"] = "0";
        settings["Mail:Directory:NegativeCacheSeconds"] = "0";
        await using var platform = await PlatformTestServices.CreateAsync(PlatformDbProvider.MySql, extraSettings: settings);
        string[] config = [.. settings.Select(kv => $"--{kv.Key}={kv.Value}")];
        try
        {
            await RunScriptAsync(
                (stdin, args) => AdminProcess.RunAsync([.. args, .. config], stdin),
                check => check(platform.Get<IMailDirectory>()));
        }
        finally
        {
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }

    [Fact]
    public async Task DomainCommands_Ldap_ChangeResolution()
    {
        await using var slapd = await SlapdProcess.StartNewAsync();
        await RunScriptAsync(
            (stdin, args) => AdminProcess.RunAsync([.. args, .. slapd.Server.Settings().Select(kv => $"--{kv.Key}={kv.Value}"), "--Mail:DataPath=" + Path.GetTempPath()], stdin),
            async check =>
            {
                using var directory = slapd.Server.CreateDirectory();
                await check(directory);
            });
    }

    private static async Task RunScriptAsync(Func<string?, string[], Task<AdminProcess.Result>> admin, Func<Func<IMailDirectory, Task>, Task> withDirectory)
    {
        async Task Ok(string expected, string? stdin, params string[] args)
        {
            var r = await admin(stdin, args);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(expected, r.Output.Trim());
        }
        async Task Fails(string error, params string[] args)
        {
            var r = await admin(null, args);
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains(error, r.Error, StringComparison.Ordinal);
        }

        await Ok("domain example.com added", null, "domain", "add", "example.com");
        await Ok("domain example.net added", null, "domain", "add", "example.net");
        Assert.Equal(0, (await admin("pw\n", ["user", "add", "bob@example.com", "--password-stdin"])).ExitCode);
        await Ok("domain alias example.org -> example.com added", null, "domain", "alias", "Example.ORG", "example.com");
        await Fails("example.org already exists", "domain", "alias", "example.org", "example.net");
        await Ok("domain alias example.info -> example.net added", null, "domain", "alias", "example.info", "example.net");
        await Ok("domain alias example.info removed", null, "domain", "alias", "remove", "Example.INFO");
        await Fails("no such alias domain: example.info", "domain", "alias", "remove", "example.info");
        await Fails("no such alias domain: example.com", "domain", "alias", "remove", "example.com");
        await Fails("not a valid domain name: bad_name!", "domain", "alias", "remove", "bad_name!");
        var usage = await admin(null, ["domain", "alias", "remove"]);
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Contains("usage: admin domain alias remove <alias-domain>", usage.Error, StringComparison.Ordinal);
        await Ok("example.org -> example.com", null, "domain", "alias", "list");
        await Fails("no such domain: nowhere.test", "domain", "alias", "other.test", "nowhere.test");
        await Ok("domain example.com catch-all bob@example.com", null, "domain", "catch-all", "example.com", "Bob@example.com");
        await Fails("not a valid address: nope", "domain", "catch-all", "example.com", "nope");
        await Ok("domain example.com quota 1000000", null, "domain", "quota", "example.com", "1000000");
        await Fails("not a number of octets: lots", "domain", "quota", "example.com", "lots");
        await Ok("domain example.com default quota 2048", null, "domain", "default-quota", "example.com", "2048");
        await Ok("domain example.net disabled", null, "domain", "disable", "example.net");
        await Fails("no such domain: nowhere.test", "domain", "disable", "nowhere.test");
        Assert.Equal(0, (await admin("pw\n", ["user", "add", "carol@example.com", "--password-stdin"])).ExitCode);
        Assert.Equal(0, (await admin("pw\n", ["user", "add", "dave@example.net", "--password-stdin"])).ExitCode);

        await withDirectory(async directory =>
        {
            Assert.Equal(["bob@example.com"], (await directory.ResolveRecipientAsync("anything@example.org", Ct)).Users);
            Assert.Equal(["carol@example.com"], (await directory.ResolveRecipientAsync("carol@example.org", Ct)).Users);
            Assert.Equal(2048, (await directory.FindUserAsync("carol@example.com", Ct))!.QuotaBytes);
            Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("dave@example.net", Ct)).Kind);
        });

        await Ok("domain example.com has no catch-all", null, "domain", "catch-all", "example.com", "none");
        await Ok("domain example.net enabled", null, "domain", "enable", "example.net");
        await withDirectory(async directory =>
        {
            Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("anything@example.org", Ct)).Kind);
            Assert.Equal(["dave@example.net"], (await directory.ResolveRecipientAsync("dave@example.net", Ct)).Users);
        });

        await Ok("domain alias example.org removed", null, "domain", "alias", "remove", "example.org");
        await Ok("", null, "domain", "alias", "list");
        await withDirectory(async directory =>
        {
            Assert.False(await directory.IsLocalDomainAsync("example.org", Ct));
            Assert.Equal(RecipientKind.NotLocal, (await directory.ResolveRecipientAsync("carol@example.org", Ct)).Kind);
            Assert.Equal(["carol@example.com"], (await directory.ResolveRecipientAsync("carol@example.com", Ct)).Users);
        });
    }
}

using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;

namespace Mail.Web.Tests.Web.Admin;

/// <summary>The CLI on the MariaDB platform DB (needs MAIL_TEST_MYSQL).</summary>
public sealed class AdminCliMySqlTests
{
    [Fact]
    public async Task DomainAndUserAdd_OnMariaDb_AreVisibleToTheServerSide()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "admin-cli-mysql-" + Guid.NewGuid().ToString("N"));
        var settings = PlatformTestServices.Settings(PlatformDbProvider.MySql, dataPath);
        string[] config = [.. settings.Select(kv => $"--{kv.Key}={kv.Value}")];
        try
        {
            var r = await AdminProcess.RunAsync(["domain", "add", "example.com", .. config]);
            Assert.True(r.ExitCode == 0, r.ToString());
            r = await AdminProcess.RunAsync(["user", "add", "dora@example.com", "--password-stdin", .. config], "dorapw\n");
            Assert.True(r.ExitCode == 0, r.ToString());

            await using var platform = await PlatformTestServices.CreateAsync(PlatformDbProvider.MySql, extraSettings: settings);
            Assert.NotNull(await platform.Get<IMailDirectory>().AuthenticateAsync("dora@example.com", "dorapw", CancellationToken.None));
            Assert.False(File.Exists(Path.Combine(dataPath, PlatformDatabase.SqliteFileName)));
            // Disposing `platform` drops the database the CLI created.
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
    public async Task UnreachableDatabase_Exits1WithMessage()
    {
        var r = await AdminProcess.RunAsync(["domain", "list", "--Mail:Database:Provider=MySql",
            "--ConnectionStrings:Platform=Server=127.0.0.1;Port=1;User=mail;Password=x;Database=none;Connection Timeout=2"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("platform database is not available", r.Error, StringComparison.Ordinal);
    }
}

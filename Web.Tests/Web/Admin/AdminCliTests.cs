using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Tests.Web.Admin;

/// <summary>The management CLI as a real process (<c>dotnet Mail.Web.dll admin ...</c>) on a temp data path.</summary>
public sealed class AdminCliTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "admin-cli-" + Guid.NewGuid().ToString("N"));

    private string DataPathArg => "--Mail:DataPath=" + _dataPath;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }

    private Task<AdminProcess.Result> Admin(string? stdin, params string[] args) => AdminProcess.RunAsync([.. args, DataPathArg], stdin);

    private async Task<PlatformTestServices> OpenDataPathAsync() => await PlatformTestServices.CreateAsync(
        PlatformDbProvider.Sqlite, extraSettings: new Dictionary<string, string?> { ["Mail:DataPath"] = _dataPath });

    [Fact]
    public async Task DomainAdd_UserAdd_AliasAdd_ThenListAndLogin()
    {
        var r = await Admin(null, "domain", "add", "Example.COM");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("domain example.com added", r.Output.Trim());

        r = await Admin("s3cret\n", "user", "add", "Alice@Example.com", "--password-stdin");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Admin("other\r\n", "user", "add", "bob@example.com", "--password-stdin");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Admin(null, "alias", "add", "Postmaster@example.com", "alice@example.com");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("alias postmaster@example.com -> alice@example.com added", r.Output.Trim());

        r = await Admin(null, "user", "list");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["alice@example.com\tenabled\t0\t-\t", "bob@example.com\tenabled\t0\t-\t"], r.Output.TrimEnd('\n').Split('\n'));
        r = await Admin(null, "domain", "list");
        Assert.Equal("example.com", r.Output.Trim());

        await using var platform = await OpenDataPathAsync();
        var directory = platform.Get<IMailDirectory>();
        Assert.NotNull(await directory.AuthenticateAsync("alice@example.com", "s3cret", CancellationToken.None));
        Assert.NotNull(await directory.AuthenticateAsync("bob@example.com", "other", CancellationToken.None));
        Assert.Equal(["alice@example.com"], (await directory.ResolveRecipientAsync("postmaster@example.com", CancellationToken.None)).Users);
        await using var db = await platform.Get<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        Assert.DoesNotContain(await db.Users.Select(u => u.PasswordHash).ToListAsync(), h => h.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserPasswd_ReplacesPassword_UnknownUserExits1()
    {
        await Admin(null, "domain", "add", "example.com");
        await Admin("first\n", "user", "add", "carol@example.com", "--password-stdin");

        var r = await Admin("second\nignored second line\n", "user", "passwd", "CAROL@example.com", "--password-stdin");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Admin("x\n", "user", "passwd", "nobody@example.com", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such user: nobody@example.com", r.Error, StringComparison.Ordinal);

        await using var platform = await OpenDataPathAsync();
        var directory = platform.Get<IMailDirectory>();
        Assert.Null(await directory.AuthenticateAsync("carol@example.com", "first", CancellationToken.None));
        Assert.NotNull(await directory.AuthenticateAsync("carol@example.com", "second", CancellationToken.None));
    }

    [Fact]
    public async Task ExpectedFailures_Exit1WithMessage()
    {
        var r = await Admin("pw\n", "user", "add", "a@nowhere.example", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a local domain", r.Error, StringComparison.Ordinal);

        await Admin(null, "domain", "add", "example.com");
        r = await Admin(null, "domain", "add", "EXAMPLE.com");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("already exists", r.Error, StringComparison.Ordinal);

        r = await Admin(null, "domain", "add", "bad domain");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a valid domain", r.Error, StringComparison.Ordinal);

        r = await Admin("", "user", "add", "a@example.com", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no password on standard input", r.Error, StringComparison.Ordinal);

        r = await Admin("pw\n", "user", "add", "not-an-address", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a valid address", r.Error, StringComparison.Ordinal);

        r = await Admin(null, "alias", "add", "x@example.com", "x@example.com");
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public async Task UsageErrors_Exit2()
    {
        var r = await Admin(null, "user", "add", "a@example.com");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--password-stdin", r.Error, StringComparison.Ordinal);

        r = await Admin(null, "user", "add", "a@example.com", "--password=hunter2");
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("hunter2", r.Error + r.Output, StringComparison.Ordinal);

        Assert.Equal(2, (await Admin(null, "user", "frobnicate")).ExitCode);
        Assert.Equal(2, (await Admin(null, "domain", "add")).ExitCode);
        Assert.Equal(2, (await Admin(null, "user")).ExitCode);
        Assert.Equal(2, (await Admin(null, "domain", "list", "--bogus")).ExitCode);
        Assert.Equal(2, (await AdminProcess.RunAsync([])).ExitCode);
        Assert.False(Directory.Exists(_dataPath), "usage errors must not touch the data path");
    }

    [Fact]
    public async Task Help_Exits0AndListsEveryCommand()
    {
        var r = await AdminProcess.RunAsync(["--help"]);

        Assert.Equal(0, r.ExitCode);
        foreach (var synopsis in new[] { "domain add <domain>", "domain list", "user add <address> --password-stdin", "user passwd <address> --password-stdin", "user list", "alias add <alias> <target>" })
        {
            Assert.Contains(synopsis, r.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Configuration_FromEnvironmentAndAppsettingsInContentRoot()
    {
        var r = await AdminProcess.RunAsync(["domain", "add", "env.example"], environment: new Dictionary<string, string> { ["Mail__DataPath"] = _dataPath });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(_dataPath, PlatformDatabase.SqliteFileName)));

        var contentRoot = Path.Combine(_dataPath, "root");
        Directory.CreateDirectory(contentRoot);
        await File.WriteAllTextAsync(Path.Combine(contentRoot, "appsettings.json"), "{ \"Mail\": { \"DataPath\": \"relative-data\" } }");
        r = await AdminProcess.RunAsync(["domain", "list"], workingDirectory: contentRoot);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(contentRoot, "relative-data", PlatformDatabase.SqliteFileName)));
    }
}

using Mail.Web.Tests.Web.Admin;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>The foundation's admin CLI (a real process) against a fresh slapd that holds only the suffix entry.</summary>
public sealed class LdapAdminCliTests
{
    private static Task<AdminProcess.Result> Admin(SlapdProcess slapd, string? stdin, params string[] args) =>
        AdminProcess.RunAsync([.. args, .. slapd.Server.Settings().Select(kv => $"--{kv.Key}={kv.Value}"), "--Mail:DataPath=" + Path.GetTempPath()], stdin);

    [Fact]
    public async Task FreshSlapd_SameCommandsAsSql_CreateContainersAndEntries_OutageFailsCleanly()
    {
        await using var slapd = await SlapdProcess.StartNewAsync();

        var r = await Admin(slapd, null, "domain", "add", "Example.COM");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("domain example.com added", r.Output.Trim());
        r = await Admin(slapd, "s3cret\n", "user", "add", "Alice@Example.com", "--password-stdin");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Admin(slapd, null, "alias", "add", "Postmaster@example.com", "alice@example.com");
        Assert.True(r.ExitCode == 0, r.ToString());
        r = await Admin(slapd, "pw\n", "user", "add", "a@nowhere.example", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        r = await Admin(slapd, null, "user", "list");
        Assert.Equal("alice@example.com\tenabled\t0\t-\t", r.Output.TrimEnd('\n'));
        r = await Admin(slapd, null, "domain", "list");
        Assert.Equal("example.com", r.Output.Trim());

        Assert.Equal(3, slapd.Server.Search("(objectClass=organizationalUnit)").Count);
        using (var directory = slapd.Server.CreateDirectory())
        {
            Assert.NotNull(await directory.AuthenticateAsync("alice@example.com", "s3cret", CancellationToken.None));
            Assert.Equal(["alice@example.com"], (await directory.ResolveRecipientAsync("postmaster@example.com", CancellationToken.None)).Users);
        }

        await slapd.KillAsync();
        r = await Admin(slapd, "pw\n", "user", "add", "bob@example.com", "--password-stdin");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"the directory is not available: The LDAP master {slapd.Uri} is unreachable", r.Error, StringComparison.Ordinal);
    }
}

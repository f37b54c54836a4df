using Mail.Shared.Directory;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Admin;

/// <summary>The CLI writes the SQLite platform DB while a host runs on the same data path.</summary>
public sealed class AdminCliWhileServerRunsTests : IAsyncLifetime
{
    private MailHostFixture? _host;

    private MailHostFixture Host => _host!;

    public async Task InitializeAsync() => _host = await MailHostFixture.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _host!.DisposeAsync();

    [Fact]
    public async Task UserAdd_WhileHostRuns_HostLogsInNewUserAtOnce()
    {
        var r = await AdminProcess.RunAsync(["user", "add", "carol@example.com", "--password-stdin", "--Mail:DataPath=" + Host.DataPath], "carolpw\n");
        Assert.True(r.ExitCode == 0, r.ToString());

        var directory = Host.Services.GetRequiredService<IMailDirectory>();
        Assert.NotNull(await directory.AuthenticateAsync("carol@example.com", "carolpw", CancellationToken.None));

        r = await AdminProcess.RunAsync(["user", "list", "--Mail:DataPath=" + Host.DataPath]);
        Assert.Equal(["alice@example.com", "bob@example.com", "carol@example.com"], r.Output.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public async Task ParallelCliWrites_WhileHostWrites_AllSucceed()
    {
        var admin = Host.Services.GetRequiredService<IDirectoryAdmin>();
        var hostWrites = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                Assert.Equal(DirectoryChangeResult.Done, await admin.AddUserAsync($"host{i}@example.com", "pw", CancellationToken.None));
            }
        });
        var cliWrites = Enumerable.Range(0, 4).Select(i => AdminProcess.RunAsync(
            ["user", "add", $"cli{i}@example.com", "--password-stdin", "--Mail:DataPath=" + Host.DataPath], "pw\n")).ToArray();

        var results = await Task.WhenAll(cliWrites);
        await hostWrites;

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var users = await admin.ListUsersAsync(CancellationToken.None);
        Assert.Equal(2 + 40 + 4, users.Count);
    }
}

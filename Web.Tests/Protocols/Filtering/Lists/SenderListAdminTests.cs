using Mail.Web.Admin;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Filtering.Lists;

/// <summary><c>admin senders add|remove|list</c> on a data folder.</summary>
public sealed class SenderListAdminTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("senders-admin");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AdminCli.RunAsync([.. args, $"--Mail:DataPath={_dir}"], TextReader.Null, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task AddListRemove_UserAndDomainLists()
    {
        Assert.Equal(0, (await RunAsync("senders", "add", "alice@example.com", "block", "Spammer@Bad.example")).Code);
        Assert.Equal(0, (await RunAsync("senders", "add", "example.com", "allow", "@partner.example")).Code);

        var user = await RunAsync("senders", "list", "alice@example.com");
        var domain = await RunAsync("senders", "list", "example.com");
        var removed = await RunAsync("senders", "remove", "alice@example.com", "spammer@bad.example");
        var again = await RunAsync("senders", "remove", "alice@example.com", "spammer@bad.example");
        var bad = await RunAsync("senders", "add", "example.com", "maybe", "x.example");

        Assert.Equal("block spammer@bad.example", user.Output.Trim());
        Assert.Equal("allow partner.example", domain.Output.Trim());
        Assert.Equal(0, removed.Code);
        Assert.Equal(AdminExitCodes.Failed, again.Code);
        Assert.Equal(AdminExitCodes.Failed, bad.Code);
        Assert.Empty((await RunAsync("senders", "list", "alice@example.com")).Output.Trim());
    }
}

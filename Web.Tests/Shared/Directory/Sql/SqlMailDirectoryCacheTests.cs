using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Web.Platform;

namespace Mail.Web.Tests.Shared.Directory.Sql;

/// <summary>The read-through cache against writes from another process (another service provider on the same file).</summary>
public sealed class SqlMailDirectoryCacheTests
{
    [Fact]
    public async Task Resolve_UserAddedByAnotherProcess_IsSeenAfterNegativeTtl()
    {
        await using var server = await PlatformTestServices.CreateAsync(
            PlatformDbProvider.Sqlite, extraSettings: new Dictionary<string, string?> { ["Mail:Directory:NegativeCacheSeconds"] = "1" });
        await using var cli = await PlatformTestServices.CreateAsync(
            PlatformDbProvider.Sqlite, extraSettings: new Dictionary<string, string?> { ["Mail:DataPath"] = server.DataPath });
        var ct = CancellationToken.None;
        await cli.Get<IDirectoryAdmin>().AddDomainAsync("example.com", ct);
        var directory = server.Get<IMailDirectory>();
        Assert.Equal(RecipientKind.UnknownUser, (await directory.ResolveRecipientAsync("late@example.com", ct)).Kind);

        await cli.Get<IDirectoryAdmin>().AddUserAsync("late@example.com", "pw", ct);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        RecipientKind kind;
        while ((kind = (await directory.ResolveRecipientAsync("late@example.com", ct)).Kind) != RecipientKind.Local && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(RecipientKind.Local, kind);
        // Authentication never uses the cache: the new user can log in at once.
        Assert.NotNull(await directory.AuthenticateAsync("late@example.com", "pw", ct));
    }
}

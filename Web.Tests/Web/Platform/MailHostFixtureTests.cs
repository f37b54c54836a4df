using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Platform;

/// <summary>The shared host fixture starts the real host with the seeded directory.</summary>
[Collection(MailHostCollection.Name)]
public sealed class MailHostFixtureTests(MailHostFixture host)
{
    [Fact]
    public async Task Host_SeedsExampleComUsers()
    {
        var directory = host.Services.GetRequiredService<IMailDirectory>();

        Assert.NotNull(await directory.AuthenticateAsync(MailHostFixture.Alice, MailHostFixture.Password, CancellationToken.None));
        Assert.NotNull(await directory.AuthenticateAsync(MailHostFixture.Bob, MailHostFixture.Password, CancellationToken.None));
        Assert.Equal(RecipientKind.Local, (await directory.ResolveRecipientAsync("Alice+x@Example.COM", CancellationToken.None)).Kind);
    }

    [Fact]
    public void Host_UsesTheTempDataPath()
    {
        Assert.True(File.Exists(Path.Combine(host.DataPath, PlatformDatabase.SqliteFileName)));
        Assert.StartsWith(Path.GetTempPath(), host.DataPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ServesHttpOnItsBoundPort()
    {
        Assert.Equal("127.0.0.1", host.BaseAddress.Host);
        Assert.NotEqual(0, host.BaseAddress.Port);
        using var client = host.CreateHttpClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.True((int)response.StatusCode < 500, $"GET / returned {(int)response.StatusCode}");
    }
}

/// <summary>The fixture with extra configuration: the whole host on the MariaDB platform DB.</summary>
public sealed class MailHostFixtureMySqlTests
{
    [Fact]
    public async Task Host_WithMySqlProvider_SeedsDirectoryInMariaDb()
    {
        var settings = PlatformTestServices.Settings(PlatformDbProvider.MySql, "unused");
        settings.Remove("Mail:DataPath");
        await using var host = await MailHostFixture.StartAsync(settings);
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();

            Assert.Equal("Pomelo.EntityFrameworkCore.MySql", db.Database.ProviderName);
            Assert.Equal(2, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users));
            Assert.False(File.Exists(Path.Combine(host.DataPath, PlatformDatabase.SqliteFileName)));
        }
        finally
        {
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Database.EnsureDeletedAsync();
        }
    }
}

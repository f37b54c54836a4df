using Mail.Protocols.Hosting;
using Mail.Shared.Directory;
using Mail.Web.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Shared.Directory.Sql;

/// <summary>A database that cannot be reached surfaces as <see cref="DirectoryUnavailableException"/> (SMTP 451, IMAP NO [UNAVAILABLE]).</summary>
public sealed class SqlMailDirectoryUnavailableTests
{
    [Fact]
    public async Task EveryRead_DatabaseUnreachable_ThrowsDirectoryUnavailable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:Database:Provider"] = "MySql",
            ["ConnectionStrings:Platform"] = "Server=127.0.0.1;Port=1;User=mail;Password=x;Database=none;Connection Timeout=2",
        }).Build();
        var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        collection.AddMailCore(configuration).AddPlatform(configuration);
        await using var services = collection.BuildServiceProvider();
        var directory = services.GetRequiredService<IMailDirectory>();
        var ct = CancellationToken.None;

        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.IsLocalDomainAsync("example.com", ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.ResolveRecipientAsync("a@example.com", ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.FindUserAsync("a@example.com", ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => directory.AuthenticateAsync("a@example.com", "pw", ct));
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => services.GetRequiredService<IDirectoryAdmin>().AddDomainAsync("example.com", ct));
    }
}

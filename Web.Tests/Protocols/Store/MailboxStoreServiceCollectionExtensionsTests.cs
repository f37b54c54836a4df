using Mail.Protocols.Hosting;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Store;

public class MailboxStoreServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(string dataPath, Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:DataPath"] = dataPath,
            ["Mail:Store:MaxMessageOctets"] = "1234",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMailCore(configuration);
        extra?.Invoke(services);
        services.AddMailboxStore();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddMailboxStore_ResolvesSingletonStoreUnderDataPath_WithBoundLimits()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "mailstore-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = Build(dataPath))
            {
                var store = provider.GetRequiredService<IMailStore>();
                Assert.Same(store, provider.GetRequiredService<IMailStore>());
                Assert.Equal(1234, provider.GetRequiredService<IOptions<StoreLimits>>().Value.MaxMessageOctets);
                Assert.IsType<UnlimitedQuotaProvider>(provider.GetRequiredService<IQuotaProvider>());
                var account = await store.OpenAccountAsync("alice@example.com", default);
                Assert.NotNull(await account.GetMailboxAsync("INBOX", default));
                Assert.True(File.Exists(Path.Combine(dataPath, "mail", "example.com", "alice", "index.db")));
            }
            // Disposing the container released the store lock: a new container opens the same store.
            await using (var provider = Build(dataPath))
            {
                var account = await provider.GetRequiredService<IMailStore>().OpenAccountAsync("alice@example.com", default);
                Assert.NotNull(await account.GetMailboxAsync("INBOX", default));
            }
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task AddMailboxStore_WithDirectory_UsesDirectoryQuota()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "mailstore-tests", Guid.NewGuid().ToString("N"));
        await using var provider = Build(dataPath, s => s.AddSingleton<IMailDirectory>(new QuotaDirectory(500)));
        var quota = provider.GetRequiredService<IQuotaProvider>();
        Assert.IsType<DirectoryQuotaProvider>(quota);
        Assert.Equal(500, await quota.GetQuotaOctetsAsync("alice@example.com", default));
        Assert.Equal(0, await quota.GetQuotaOctetsAsync("nobody@example.com", default));
    }

    [Fact]
    public async Task DirectoryQuotaProvider_DirectoryDown_UsesLastKnownQuota()
    {
        var directory = new QuotaDirectory(700);
        var time = new ManualTime();
        var provider = new DirectoryQuotaProvider(directory, Options.Create(new StoreLimits { QuotaCacheSeconds = 60 }), time, NullLogger<DirectoryQuotaProvider>.Instance);
        Assert.Equal(700, await provider.GetQuotaOctetsAsync("alice@example.com", default));
        directory.Down = true;
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(700, await provider.GetQuotaOctetsAsync("alice@example.com", default));
        Assert.Equal(2, directory.Lookups);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class QuotaDirectory(long quota) : IMailDirectory
    {
        public bool Down { get; set; }

        public int Lookups { get; private set; }

        public Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken)
        {
            Lookups++;
            if (Down)
            {
                throw new DirectoryUnavailableException("down");
            }
            return Task.FromResult(address == "alice@example.com" ? new DirectoryUser(address, "", "", quota, true) : null);
        }

        public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken) => Task.FromResult(RecipientResolution.UnknownUser);

        public Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken) => Task.FromResult<DirectoryUser?>(null);
    }
}

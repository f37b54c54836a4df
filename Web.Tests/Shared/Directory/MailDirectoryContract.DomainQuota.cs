using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Shared.Directory;

/// <summary>The domain quota, read from each backend, enforced by a real mailbox store at delivery and APPEND.</summary>
public abstract partial class MailDirectoryContract<TDirectory>
{
    private MailStore CreateStore(string dataPath)
    {
        var limits = Options.Create(new StoreLimits { QuotaCacheSeconds = 0, DomainUsageCacheSeconds = 0 });
        var quota = new DirectoryQuotaProvider(Directory, limits, TimeProvider.System, NullLogger<DirectoryQuotaProvider>.Instance);
        return new MailStore(Options.Create(new MailOptions { DataPath = dataPath }), limits, quota, TimeProvider.System, NullLogger<MailStore>.Instance);
    }

    private static MemoryStream Message(int size)
    {
        var header = "Subject: quota\r\n\r\n"u8.ToArray();
        var bytes = new byte[size];
        header.CopyTo(bytes, 0);
        bytes.AsSpan(header.Length).Fill((byte)'x');
        return new MemoryStream(bytes);
    }

    [Fact]
    public async Task DomainQuota_SumOfUsersUsage_RefusesDeliveryAppendAndCopyOverIt()
    {
        var domain = await DomainWithUsersAsync("alice", "bob");
        var alias = NewDomain();
        Assert.Equal(DirectoryChangeResult.Done, await Directory.AddDomainAliasAsync(alias, domain, Ct));
        Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(Quota: 3000), Ct));
        Assert.Equal(3000, await ((IDomainQuotaSource)Directory).GetDomainQuotaAsync(domain, Ct));
        Assert.Equal(3000, await ((IDomainQuotaSource)Directory).GetDomainQuotaAsync(alias, Ct));
        var dataPath = Path.Combine(Path.GetTempPath(), "domain-quota-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var store = CreateStore(dataPath))
            {
                Assert.Equal(StoreStatus.Ok, Assert.Single(await store.DeliverAsync(["alice@" + domain], Message(2000), DateTimeOffset.UtcNow, Ct)).Status);
                Assert.Equal(StoreStatus.OverQuota, Assert.Single(await store.DeliverAsync(["bob@" + domain], Message(1500), DateTimeOffset.UtcNow, Ct)).Status);
                Assert.Equal(StoreStatus.Ok, Assert.Single(await store.DeliverAsync(["bob@" + domain], Message(500), DateTimeOffset.UtcNow, Ct)).Status);
                var bob = await store.OpenAccountAsync("bob@" + domain, Ct);
                Assert.Equal(StoreStatus.OverQuota, (await bob.AppendAsync(MailboxName.Inbox, Message(600), MessageFlags.None, [], DateTimeOffset.UtcNow, Ct)).Status);
                Assert.Equal(StoreStatus.Ok, (await bob.AppendAsync(MailboxName.Inbox, Message(400), MessageFlags.None, [], DateTimeOffset.UtcNow, Ct)).Status);
                // COPY adds octets (refused over the domain quota); MOVE does not.
                var inbox = await bob.GetMailboxAsync(MailboxName.Inbox, Ct);
                var last = (await bob.GetMessagesAsync(inbox!.Id, Ct))[^1].Uid;
                Assert.Equal(StoreStatus.OverQuota, (await bob.CopyAsync(inbox.Id, [last], "Archive", move: false, Ct)).Status);
                Assert.Equal(StoreStatus.Ok, (await bob.CopyAsync(inbox.Id, [last], "Archive", move: true, Ct)).Status);
            }
            // A new process: the accounts are not open, their usage comes from their index.
            using (var store = CreateStore(dataPath))
            {
                Assert.Equal(StoreStatus.OverQuota, Assert.Single(await store.DeliverAsync(["alice@" + domain], Message(200), DateTimeOffset.UtcNow, Ct)).Status);
                Assert.Equal(DirectoryChangeResult.Done, await Directory.UpdateDomainAsync(domain, new DomainSettingsChange(Quota: 0), Ct));
                Assert.Equal(StoreStatus.Ok, Assert.Single(await store.DeliverAsync(["alice@" + domain], Message(200), DateTimeOffset.UtcNow, Ct)).Status);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (System.IO.Directory.Exists(dataPath))
            {
                System.IO.Directory.Delete(dataPath, recursive: true);
            }
        }
    }
}

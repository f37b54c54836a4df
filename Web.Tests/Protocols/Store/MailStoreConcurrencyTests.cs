using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class MailStoreConcurrencyTests
{
    [Fact]
    public async Task Deliver_ManyConcurrentTasksToOneAccount_NoLostOrDuplicateUids()
    {
        using var fixture = new StoreFixture();
        const int tasks = 20;
        const int perTask = 15;
        var uids = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<(uint Uid, int Index)>();
            for (var i = 0; i < perTask; i++)
            {
                var index = (t * perTask) + i;
                var outcome = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(index)), DateTimeOffset.UtcNow, default));
                Assert.Equal(StoreStatus.Ok, outcome.Status);
                mine.Add((outcome.Uid, index));
            }
            return mine;
        })));
        var all = uids.SelectMany(u => u).ToList();
        Assert.Equal(Enumerable.Range(1, tasks * perTask).Select(i => (uint)i), all.Select(a => a.Uid).Order());
        var account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(tasks * perTask, inbox.Messages);
        Assert.Equal((uint)(tasks * perTask) + 1, inbox.UidNext);
        foreach (var (uid, index) in all.Where(a => a.Uid % 37 == 0))
        {
            Assert.Equal(StoreFixture.Sample(index), await StoreFixture.ReadAllAsync(account, inbox.Id, uid));
        }
    }

    [Fact]
    public async Task Deliver_ConcurrentToDistinctAccountsAndAppendsAndFlagChanges_AllConsistent()
    {
        using var fixture = new StoreFixture();
        var accounts = Enumerable.Range(0, 8).Select(i => $"user{i}@example.com").ToArray();
        var deliveries = Enumerable.Range(0, 80).Select(i => Task.Run(async () =>
        {
            var outcomes = await fixture.Store.DeliverAsync([accounts[i % 8], accounts[(i + 3) % 8]], new MemoryStream(StoreFixture.Sample(i)), DateTimeOffset.UtcNow, default);
            Assert.All(outcomes, o => Assert.Equal(StoreStatus.Ok, o.Status));
        }));
        var alice = await fixture.AccountAsync(accounts[0]);
        var inbox = (await alice.GetMailboxAsync("INBOX", default))!;
        var appends = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var r = await alice.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(1000 + i)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
            Assert.Equal(StoreStatus.Ok, r.Status);
            await alice.UpdateFlagsAsync(inbox.Id, [r.Uid], FlagOperation.Add, MessageFlags.Seen, [], null, default);
        }));
        await Task.WhenAll(deliveries.Concat(appends));
        foreach (var account in accounts)
        {
            var store = await fixture.AccountAsync(account);
            var box = (await store.GetMailboxAsync("INBOX", default))!;
            var messages = await store.GetMessagesAsync(box.Id, default);
            var expected = account == accounts[0] ? 40 : 20;
            Assert.Equal(expected, messages.Count);
            Assert.Equal(messages.Count, messages.Select(m => m.Uid).Distinct().Count());
            Assert.Equal((uint)expected + 1, box.UidNext);
        }
        Assert.Equal(20, (await alice.GetMessagesAsync(inbox.Id, default)).Count(m => m.Flags.HasFlag(MessageFlags.Seen)));
    }
}

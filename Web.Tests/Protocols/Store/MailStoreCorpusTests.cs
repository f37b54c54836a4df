using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class MailStoreCorpusTests
{
    [Fact]
    public async Task Append_EveryCorpusFile_ReadsBackByteExact()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        var files = CorpusFiles.All();
        Assert.NotEmpty(files);
        var uids = new Dictionary<string, uint>();
        foreach (var file in files)
        {
            await using var input = File.OpenRead(file);
            var result = await account.AppendAsync("INBOX", input, MessageFlags.None, [], DateTimeOffset.UtcNow, default);
            Assert.Equal(StoreStatus.Ok, result.Status);
            uids[file] = result.Uid;
        }
        var records = (await account.GetMessagesAsync(inbox.Id, default)).ToDictionary(r => r.Uid);
        foreach (var file in files)
        {
            var expected = await File.ReadAllBytesAsync(file);
            Assert.Equal(expected, await StoreFixture.ReadAllAsync(account, inbox.Id, uids[file]));
            Assert.Equal(expected.Length, records[uids[file]].SizeOctets);
        }
    }

    [Fact]
    public async Task Deliver_EveryCorpusFile_ToTwoAccounts_ReadsBackByteExactAfterReopen()
    {
        using var fixture = new StoreFixture();
        var files = CorpusFiles.All();
        var delivered = new List<(string File, uint AliceUid, uint BobUid)>();
        foreach (var file in files)
        {
            await using var input = File.OpenRead(file);
            var outcomes = await fixture.Store.DeliverAsync(["alice@example.com", "bob@example.com"], input, DateTimeOffset.UtcNow, default);
            Assert.All(outcomes, o => Assert.Equal(StoreStatus.Ok, o.Status));
            delivered.Add((file, outcomes[0].Uid, outcomes[1].Uid));
        }
        fixture.Reopen();
        var alice = await fixture.AccountAsync("alice@example.com");
        var bob = await fixture.AccountAsync("bob@example.com");
        var aliceInbox = (await alice.GetMailboxAsync("INBOX", default))!.Id;
        var bobInbox = (await bob.GetMailboxAsync("INBOX", default))!.Id;
        foreach (var (file, aliceUid, bobUid) in delivered)
        {
            var expected = await File.ReadAllBytesAsync(file);
            Assert.Equal(expected, await StoreFixture.ReadAllAsync(alice, aliceInbox, aliceUid));
            Assert.Equal(expected, await StoreFixture.ReadAllAsync(bob, bobInbox, bobUid));
        }
    }
}

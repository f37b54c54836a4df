using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class MailStoreRecoveryTests
{
    private static string AccountDir(StoreFixture fixture) => Path.Combine(fixture.Root, "example.com", "alice");

    [Fact]
    public async Task Reopen_RemovesLeftoverTempAndSpoolFiles()
    {
        using var fixture = new StoreFixture();
        await fixture.AccountAsync();
        await File.WriteAllTextAsync(Path.Combine(AccountDir(fixture), "tmp", "123.half"), "partial");
        await File.WriteAllTextAsync(Path.Combine(fixture.Root, ".spool", "123.spooled"), "partial");
        fixture.Reopen();
        await fixture.AccountAsync();
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(AccountDir(fixture), "tmp")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Root, ".spool")));
    }

    [Fact]
    public async Task Reopen_RemovesUnindexedMessageFiles_KeepsIndexedOnes()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(1)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        var orphan = Path.Combine(AccountDir(fixture), "cur", "1.orphan");
        await File.WriteAllBytesAsync(orphan, StoreFixture.Sample(2));
        fixture.Reopen();
        account = await fixture.AccountAsync();
        Assert.False(File.Exists(orphan));
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(StoreFixture.Sample(1), await StoreFixture.ReadAllAsync(account, inbox.Id, 1));
        Assert.Equal(2u, inbox.UidNext);
    }

    [Fact]
    public async Task Reopen_IndexRowWithoutFile_IsExpungedWithNewModSeq()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(1)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(2)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        var before = (await account.GetMailboxAsync("INBOX", default))!;
        var files = Directory.EnumerateFiles(Path.Combine(AccountDir(fixture), "cur")).Order(StringComparer.Ordinal).ToList();
        fixture.Store.Dispose();
        // Damage from outside: which file belongs to which UID is not visible here, so remove one and check the survivor reads back.
        File.Delete(files[0]);
        fixture.Reopen();
        account = await fixture.AccountAsync();
        var after = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(1, after.Messages);
        Assert.Equal(before.UidNext, after.UidNext);
        Assert.True(after.HighestModSeq > before.HighestModSeq);
        var survivor = Assert.Single(await account.GetMessagesAsync(after.Id, default));
        Assert.NotNull(await account.OpenMessageAsync(after.Id, survivor.Uid, default));
    }

    [Fact]
    public async Task CrashBeforeIndexCommit_MessageInvisible_FileRemovedOnReopen_UidNextNotLowered()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(1)), DateTimeOffset.UtcNow, default)).Status);
        var before = (await account.GetMailboxAsync("INBOX", default))!;
        ((AccountStore)account).BeforeCommit = () => throw new IOException("simulated crash");
        await Assert.ThrowsAsync<IOException>(() => fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(2)), DateTimeOffset.UtcNow, default));
        Assert.Equal(1, (await account.GetMailboxAsync("INBOX", default))!.Messages);
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(AccountDir(fixture), "cur")).Count());
        fixture.Reopen();
        account = await fixture.AccountAsync();
        var after = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(1, after.Messages);
        Assert.True(after.UidNext >= before.UidNext);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(AccountDir(fixture), "cur")));
        var next = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(3)), DateTimeOffset.UtcNow, default));
        Assert.Equal(StoreStatus.Ok, next.Status);
        Assert.Equal(StoreFixture.Sample(3), await StoreFixture.ReadAllAsync(account, after.Id, next.Uid));
    }

    [Fact]
    public async Task Open_CorruptIndex_ThrowsIOException_AndIsRetriedLater()
    {
        using var fixture = new StoreFixture();
        await fixture.AccountAsync();
        fixture.Store.Dispose();
        var index = Path.Combine(AccountDir(fixture), "index.db");
        foreach (var file in Directory.EnumerateFiles(AccountDir(fixture), "index.db*"))
        {
            File.Delete(file);
        }
        await File.WriteAllTextAsync(index, new string('x', 8192));
        fixture.Reopen();
        await Assert.ThrowsAsync<IOException>(() => fixture.AccountAsync());
        File.Delete(index);
        var account = await fixture.AccountAsync();
        Assert.NotNull(await account.GetMailboxAsync("INBOX", default));
    }

    [Fact]
    public async Task Open_LostIndex_AdoptsMessageFilesIntoInboxInArrivalOrder()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        for (var i = 1; i <= 3; i++)
        {
            await account.AppendAsync("Archive", new MemoryStream(StoreFixture.Sample(i)), MessageFlags.Seen, [], DateTimeOffset.UtcNow, default);
        }
        fixture.Store.Dispose();
        foreach (var file in Directory.EnumerateFiles(AccountDir(fixture), "index.db*"))
        {
            File.Delete(file);
        }
        fixture.Reopen();
        account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(3, inbox.Messages);
        var bodies = new List<byte[]>();
        foreach (var message in await account.GetMessagesAsync(inbox.Id, default))
        {
            bodies.Add(await StoreFixture.ReadAllAsync(account, inbox.Id, message.Uid));
        }
        Assert.Equal(3, bodies.Count);
        Assert.All(Enumerable.Range(1, 3), i => Assert.Contains(bodies, b => b.AsSpan().SequenceEqual(StoreFixture.Sample(i))));
        Assert.Equal(bodies.Sum(b => (long)b.Length), await account.GetUsedOctetsAsync(default));
    }
}

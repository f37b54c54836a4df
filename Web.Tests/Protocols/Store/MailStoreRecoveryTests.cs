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
}

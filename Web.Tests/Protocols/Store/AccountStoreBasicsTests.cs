using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class AccountStoreBasicsTests
{
    [Fact]
    public async Task OpenAccount_New_CreatesDefaultMailboxesSubscribed()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var boxes = await account.ListMailboxesAsync(default);
        Assert.Equal(["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"], boxes.Select(b => b.Name));
        Assert.Equal(SpecialUse.Drafts, boxes.Single(b => b.Name == "Drafts").SpecialUse);
        Assert.Equal(SpecialUse.Sent, boxes.Single(b => b.Name == "Sent").SpecialUse);
        Assert.Equal(SpecialUse.Trash, boxes.Single(b => b.Name == "Trash").SpecialUse);
        Assert.Equal(SpecialUse.Junk, boxes.Single(b => b.Name == "Junk").SpecialUse);
        Assert.Equal(SpecialUse.Archive, boxes.Single(b => b.Name == "Archive").SpecialUse);
        Assert.All(boxes, b => Assert.True(b.Subscribed));
        Assert.All(boxes, b => Assert.NotEqual(0u, b.UidValidity));
        Assert.All(boxes, b => Assert.Equal(1u, b.UidNext));
        Assert.Equal(boxes.Count, boxes.Select(b => b.UidValidity).Distinct().Count());
        Assert.Equal(["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"], await account.ListSubscriptionsAsync(default));
    }

    [Fact]
    public async Task OpenAccount_Twice_ReturnsSameInstance_CaseInsensitive()
    {
        using var fixture = new StoreFixture();
        var a = await fixture.AccountAsync("alice@example.com");
        var b = await fixture.AccountAsync("Alice@Example.COM");
        Assert.Same(a, b);
        Assert.Equal("alice@example.com", a.Account);
    }

    [Fact]
    public async Task OpenAccount_DirectoryIsDomainThenLocal()
    {
        using var fixture = new StoreFixture();
        await fixture.AccountAsync("alice@example.com");
        Assert.True(File.Exists(Path.Combine(fixture.Root, "example.com", "alice", "index.db")));
    }

    [Fact]
    public async Task Append_ThenGetMessages_ReturnsRecordWithFlagsKeywordsDateAndSize()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var date = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        var bytes = StoreFixture.Sample(1);
        var result = await account.AppendAsync("inbox", new MemoryStream(bytes), MessageFlags.Seen | MessageFlags.Flagged, ["$Label1", "Work"], date, default);
        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal(1u, result.Uid);
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(result.UidValidity, inbox.UidValidity);
        Assert.Equal(2u, inbox.UidNext);
        Assert.Equal(1, inbox.Messages);
        Assert.Equal(0, inbox.Unseen);
        Assert.Equal(bytes.Length, inbox.SizeOctets);
        var record = Assert.Single(await account.GetMessagesAsync(inbox.Id, default));
        Assert.Equal(1u, record.Uid);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, record.Flags);
        Assert.Equal(["$Label1", "Work"], record.Keywords);
        Assert.Equal(date, record.InternalDate);
        Assert.Equal(date.Offset, record.InternalDate.Offset);
        Assert.Equal(bytes.Length, record.SizeOctets);
        Assert.Matches("^[A-Za-z0-9_-]{1,255}$", record.EmailId);
        Assert.True(record.ModSeq > 0);
        Assert.Equal(record.ModSeq, inbox.HighestModSeq);
        Assert.Equal(bytes.Length, await account.GetUsedOctetsAsync(default));
    }

    [Fact]
    public async Task Append_NoSuchMailbox_ReturnsNoSuchMailboxAndStoresNothing()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var result = await account.AppendAsync("Nope", StoreFixture.Message("x"), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        Assert.Equal(StoreStatus.NoSuchMailbox, result.Status);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Root, "example.com", "alice", "cur")));
    }

    [Fact]
    public async Task OpenMessage_UnknownUid_ReturnsNull()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Null(await account.OpenMessageAsync(inbox.Id, 42, default));
    }

    [Fact]
    public async Task Deliver_AssignsAscendingUidsAndRaisesMailboxChanged()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        var changed = new List<long>();
        account.MailboxChanged += id => { lock (changed) { changed.Add(id); } };
        for (var i = 1; i <= 3; i++)
        {
            var outcome = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(i)), DateTimeOffset.UtcNow, default));
            Assert.Equal(StoreStatus.Ok, outcome.Status);
            Assert.Equal((uint)i, outcome.Uid);
        }
        Assert.Equal([inbox.Id, inbox.Id, inbox.Id], changed);
        Assert.Equal([1u, 2u, 3u], (await account.GetMessagesAsync(inbox.Id, default)).Select(m => m.Uid));
    }

    [Fact]
    public async Task Deliver_DuplicateAccounts_DeliveredOnceInInputOrder()
    {
        using var fixture = new StoreFixture();
        var outcomes = await fixture.Store.DeliverAsync(["bob@example.com", "alice@example.com", "BOB@example.com"], StoreFixture.Message("x"), DateTimeOffset.UtcNow, default);
        Assert.Equal(["bob@example.com", "alice@example.com"], outcomes.Select(o => o.Account));
        Assert.All(outcomes, o => Assert.Equal(StoreStatus.Ok, o.Status));
        var bob = await fixture.AccountAsync("bob@example.com");
        Assert.Equal(1, (await bob.GetMailboxAsync("INBOX", default))!.Messages);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Root, ".spool")));
    }

    [Fact]
    public async Task SecondStoreOnSameRoot_Throws()
    {
        using var fixture = new StoreFixture();
        await fixture.AccountAsync();
        using var second = fixture.Create();
        await Assert.ThrowsAsync<IOException>(async () => await second.OpenAccountAsync("alice@example.com", default));
    }

    [Fact]
    public async Task MailboxChanged_RaisedOutsideWriteLock_HandlerMayWrite()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        var handled = new TaskCompletionSource<FlagUpdateResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = 0;
        account.MailboxChanged += id =>
        {
            // The handler's own write raises the event again; only the first (delivery) event acts.
            if (Interlocked.Exchange(ref entered, 1) == 1)
            {
                return;
            }
            // A handler that writes synchronously would deadlock if events were raised under the lock.
            var write = account.UpdateFlagsAsync(id, [1], FlagOperation.Add, MessageFlags.Flagged, [], null, default);
            if (write.Wait(TimeSpan.FromSeconds(10)))
            {
                handled.TrySetResult(write.Result);
            }
            else
            {
                handled.TrySetException(new TimeoutException("event raised under the write lock"));
            }
        };
        await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(1)), DateTimeOffset.UtcNow, default);
        var result = await handled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1u, Assert.Single(result.Changed).Uid);
        Assert.Equal(MessageFlags.Flagged, Assert.Single(await account.GetMessagesAsync(inbox.Id, default)).Flags);
    }
}

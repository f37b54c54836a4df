using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class AccountStoreMailboxTests
{
    [Fact]
    public async Task Create_Nested_CreatesMissingParents()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, await account.CreateMailboxAsync("Projects/2024/Q1", SpecialUse.None, default));
        var names = (await account.ListMailboxesAsync(default)).Select(b => b.Name).ToList();
        Assert.Contains("Projects", names);
        Assert.Contains("Projects/2024", names);
        Assert.Contains("Projects/2024/Q1", names);
        Assert.True(names.IndexOf("Projects") < names.IndexOf("Projects/2024"));
        Assert.False((await account.GetMailboxAsync("Projects/2024/Q1", default))!.Subscribed);
    }

    [Fact]
    public async Task Create_Existing_ReturnsAlreadyExists()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.AlreadyExists, await account.CreateMailboxAsync("Sent", SpecialUse.None, default));
        Assert.Equal(StoreStatus.AlreadyExists, await account.CreateMailboxAsync("inbox", SpecialUse.None, default));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("a//b")]
    [InlineData("wild*")]
    [InlineData("wild%")]
    [InlineData("ctl\u0001")]
    public async Task Create_InvalidName_ReturnsInvalidName(string name)
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.InvalidName, await account.CreateMailboxAsync(name, SpecialUse.None, default));
    }

    [Fact]
    public async Task Create_NameOverMaxLength_ReturnsInvalidName()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.InvalidName, await account.CreateMailboxAsync(new string('a', MailboxName.MaxLength + 1), SpecialUse.None, default));
        Assert.Equal(StoreStatus.Ok, await account.CreateMailboxAsync(new string('a', MailboxName.MaxLength), SpecialUse.None, default));
    }

    [Fact]
    public async Task Create_TrailingSeparatorAndUnicode_Normalized()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, await account.CreateMailboxAsync("Entwürfe/", SpecialUse.None, default));
        Assert.NotNull(await account.GetMailboxAsync("Entwürfe", default));
        Assert.Null(await account.GetMailboxAsync("entwürfe", default));
    }

    [Fact]
    public async Task Create_InboxChildInAnyCase_NormalizesInboxPrefix()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, await account.CreateMailboxAsync("inbox/Sub", SpecialUse.None, default));
        Assert.Equal("INBOX/Sub", (await account.GetMailboxAsync("Inbox/Sub", default))!.Name);
    }

    [Fact]
    public async Task Delete_Inbox_ReturnsNotAllowed()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.NotAllowed, await account.DeleteMailboxAsync("Inbox", default));
    }

    [Fact]
    public async Task Delete_WithChildren_ReturnsHasChildren()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.CreateMailboxAsync("a/b", SpecialUse.None, default);
        Assert.Equal(StoreStatus.HasChildren, await account.DeleteMailboxAsync("a", default));
        Assert.Equal(StoreStatus.Ok, await account.DeleteMailboxAsync("a/b", default));
        Assert.Equal(StoreStatus.Ok, await account.DeleteMailboxAsync("a", default));
        Assert.Equal(StoreStatus.NoSuchMailbox, await account.DeleteMailboxAsync("a", default));
    }

    [Fact]
    public async Task Delete_RemovesMessagesFilesAndQuotaUse_KeepsSubscription()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.AppendAsync("Junk", new MemoryStream(StoreFixture.Sample(1, 5000)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        var cur = Path.Combine(fixture.Root, "example.com", "alice", "cur");
        Assert.Single(Directory.EnumerateFiles(cur));
        Assert.Equal(StoreStatus.Ok, await account.DeleteMailboxAsync("Junk", default));
        Assert.Empty(Directory.EnumerateFiles(cur));
        Assert.Equal(0, await account.GetUsedOctetsAsync(default));
        Assert.Null(await account.GetMailboxAsync("Junk", default));
        // RFC 9051 §6.3.9: the server must not remove a subscription on its own.
        Assert.Contains("Junk", await account.ListSubscriptionsAsync(default));
    }

    [Fact]
    public async Task DeleteAndRecreate_GetsDifferentUidValidity()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.CreateMailboxAsync("Temp", SpecialUse.None, default);
        var first = (await account.GetMailboxAsync("Temp", default))!;
        await account.DeleteMailboxAsync("Temp", default);
        await account.CreateMailboxAsync("Temp", SpecialUse.None, default);
        var second = (await account.GetMailboxAsync("Temp", default))!;
        Assert.NotEqual(first.UidValidity, second.UidValidity);
        Assert.NotEqual(first.Id, second.Id);
        fixture.Reopen();
        account = await fixture.AccountAsync();
        await account.DeleteMailboxAsync("Temp", default);
        await account.CreateMailboxAsync("Temp", SpecialUse.None, default);
        var third = (await account.GetMailboxAsync("Temp", default))!;
        Assert.True(third.UidValidity > second.UidValidity);
    }

    [Fact]
    public async Task Rename_MovesChildrenAndSubscriptions_KeepsUidValidityAndMessages()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.CreateMailboxAsync("Old/Child", SpecialUse.None, default);
        await account.SetSubscribedAsync("Old/Child", true, default);
        await account.AppendAsync("Old", new MemoryStream(StoreFixture.Sample(1)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        var before = (await account.GetMailboxAsync("Old", default))!;
        Assert.Equal(StoreStatus.Ok, await account.RenameMailboxAsync("Old", "New/Place", default));
        Assert.Null(await account.GetMailboxAsync("Old", default));
        Assert.Null(await account.GetMailboxAsync("Old/Child", default));
        var after = (await account.GetMailboxAsync("New/Place", default))!;
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(before.UidValidity, after.UidValidity);
        Assert.Equal(1, after.Messages);
        Assert.NotNull(await account.GetMailboxAsync("New", default));
        Assert.True((await account.GetMailboxAsync("New/Place/Child", default))!.Subscribed);
        Assert.DoesNotContain("Old/Child", await account.ListSubscriptionsAsync(default));
    }

    [Fact]
    public async Task Rename_Errors()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.CreateMailboxAsync("A", SpecialUse.None, default);
        Assert.Equal(StoreStatus.NoSuchMailbox, await account.RenameMailboxAsync("Missing", "X", default));
        Assert.Equal(StoreStatus.AlreadyExists, await account.RenameMailboxAsync("A", "Sent", default));
        Assert.Equal(StoreStatus.AlreadyExists, await account.RenameMailboxAsync("A", "inbox", default));
        Assert.Equal(StoreStatus.NotAllowed, await account.RenameMailboxAsync("A", "A/B", default));
        Assert.Equal(StoreStatus.InvalidName, await account.RenameMailboxAsync("A", "B*", default));
    }

    [Fact]
    public async Task Rename_Inbox_MovesMessagesToNewMailboxAndLeavesInboxEmpty()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.CreateMailboxAsync("INBOX/Child", SpecialUse.None, default);
        for (var i = 1; i <= 3; i++)
        {
            await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(i)), DateTimeOffset.UtcNow, default);
        }
        var inboxBefore = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(StoreStatus.Ok, await account.RenameMailboxAsync("INBOX", "Old Mail", default));
        var inbox = (await account.GetMailboxAsync("INBOX", default))!;
        var moved = (await account.GetMailboxAsync("Old Mail", default))!;
        Assert.Equal(inboxBefore.Id, inbox.Id);
        Assert.Equal(inboxBefore.UidValidity, inbox.UidValidity);
        Assert.Equal(0, inbox.Messages);
        Assert.Equal(inboxBefore.UidNext, inbox.UidNext);
        Assert.True(inbox.HighestModSeq > inboxBefore.HighestModSeq);
        Assert.Equal(3, moved.Messages);
        Assert.NotEqual(inbox.UidValidity, moved.UidValidity);
        Assert.NotNull(await account.GetMailboxAsync("INBOX/Child", default));
        Assert.Equal(StoreFixture.Sample(2), await StoreFixture.ReadAllAsync(account, moved.Id, 2));
        var next = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(4)), DateTimeOffset.UtcNow, default));
        Assert.Equal(4u, next.Uid);
    }

    [Fact]
    public async Task Subscriptions_NameNeedNotExist_AndUnsubscribe()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        Assert.Equal(StoreStatus.Ok, await account.SetSubscribedAsync("Elsewhere/Shared", true, default));
        Assert.Equal(StoreStatus.Ok, await account.SetSubscribedAsync("Elsewhere/Shared", true, default));
        Assert.Contains("Elsewhere/Shared", await account.ListSubscriptionsAsync(default));
        Assert.Equal(StoreStatus.Ok, await account.SetSubscribedAsync("Trash", false, default));
        Assert.DoesNotContain("Trash", await account.ListSubscriptionsAsync(default));
        Assert.False((await account.GetMailboxAsync("Trash", default))!.Subscribed);
        Assert.Equal(StoreStatus.InvalidName, await account.SetSubscribedAsync("", true, default));
    }

    [Fact]
    public async Task DefaultMailboxes_DeletedOnes_NotRecreatedOnReopen()
    {
        using var fixture = new StoreFixture();
        var account = await fixture.AccountAsync();
        await account.DeleteMailboxAsync("Junk", default);
        fixture.Reopen();
        account = await fixture.AccountAsync();
        Assert.Null(await account.GetMailboxAsync("Junk", default));
    }
}

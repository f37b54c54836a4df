using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class AccountStoreMessageTests
{
    private static async Task<(IAccountStore Account, MailboxInfo Inbox)> WithMessagesAsync(StoreFixture fixture, int count)
    {
        var account = await fixture.AccountAsync();
        for (var i = 1; i <= count; i++)
        {
            await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(i)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        }
        return (account, (await account.GetMailboxAsync("INBOX", default))!);
    }

    [Fact]
    public async Task Uids_NeverReusedAfterExpungeAndReopen()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 3);
        await account.UpdateFlagsAsync(inbox.Id, [2, 3], FlagOperation.Add, MessageFlags.Deleted, [], null, default);
        Assert.Equal([2u, 3u], await account.ExpungeAsync(inbox.Id, null, true, default));
        var appended = await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(4)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        Assert.Equal(4u, appended.Uid);
        await account.ExpungeAsync(inbox.Id, [4], requireDeleted: false, default);
        fixture.Reopen();
        account = await fixture.AccountAsync();
        var reopened = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(5u, reopened.UidNext);
        Assert.Equal(inbox.UidValidity, reopened.UidValidity);
        var next = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(5)), DateTimeOffset.UtcNow, default));
        Assert.Equal(5u, next.Uid);
        Assert.Equal([1u, 5u], (await account.GetMessagesAsync(inbox.Id, default)).Select(m => m.Uid));
    }

    [Fact]
    public async Task UpdateFlags_AddRemoveReplace_BumpModSeqOnlyOnChange()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 2);
        var start = inbox.HighestModSeq;
        var added = await account.UpdateFlagsAsync(inbox.Id, [1, 2, 99], FlagOperation.Add, MessageFlags.Seen, ["Work"], null, default);
        Assert.Equal([1u, 2u], added.Changed.Select(c => c.Uid));
        Assert.All(added.Changed, c => Assert.Equal(start + 1, c.ModSeq));
        Assert.All(added.Changed, c => Assert.Equal(["Work"], c.Keywords));
        var again = await account.UpdateFlagsAsync(inbox.Id, [1, 2], FlagOperation.Add, MessageFlags.Seen, ["work"], null, default);
        Assert.Empty(again.Changed);
        Assert.Equal(start + 1, (await account.GetMailboxAsync("INBOX", default))!.HighestModSeq);
        var removed = await account.UpdateFlagsAsync(inbox.Id, [1], FlagOperation.Remove, MessageFlags.Seen, ["WORK"], null, default);
        var one = Assert.Single(removed.Changed);
        Assert.Equal(MessageFlags.None, one.Flags);
        Assert.Empty(one.Keywords);
        Assert.Equal(start + 2, one.ModSeq);
        var replaced = await account.UpdateFlagsAsync(inbox.Id, [2], FlagOperation.Replace, MessageFlags.Answered | MessageFlags.Draft, ["$Forwarded"], null, default);
        Assert.Equal(MessageFlags.Answered | MessageFlags.Draft, Assert.Single(replaced.Changed).Flags);
        var messages = await account.GetMessagesAsync(inbox.Id, default);
        Assert.Equal(["$Forwarded"], messages[1].Keywords);
        Assert.Equal(start + 3, messages[1].ModSeq);
        var info = (await account.GetMailboxAsync("INBOX", default))!;
        Assert.Equal(start + 3, info.HighestModSeq);
        Assert.Equal(2, info.Unseen);
    }

    [Fact]
    public async Task UpdateFlags_UnchangedSince_RefusesNewerMessages()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 2);
        var first = await account.UpdateFlagsAsync(inbox.Id, [2], FlagOperation.Add, MessageFlags.Flagged, [], null, default);
        var since = first.Changed[0].ModSeq - 1;
        var conditional = await account.UpdateFlagsAsync(inbox.Id, [1, 2], FlagOperation.Add, MessageFlags.Seen, [], since, default);
        Assert.Equal([1u], conditional.Changed.Select(c => c.Uid));
        Assert.Equal([2u], conditional.Failed);
        var messages = await account.GetMessagesAsync(inbox.Id, default);
        Assert.Equal(MessageFlags.Flagged, messages[1].Flags);
    }

    [Fact]
    public async Task Expunge_RequireDeleted_OnlyDeletedListedOnes_RecordsModSeq()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 4);
        await account.UpdateFlagsAsync(inbox.Id, [1, 3], FlagOperation.Add, MessageFlags.Deleted, [], null, default);
        var before = (await account.GetMailboxAsync("INBOX", default))!.HighestModSeq;
        Assert.Equal([3u], await account.ExpungeAsync(inbox.Id, [2, 3], requireDeleted: true, default));
        Assert.Equal(before + 1, (await account.GetMailboxAsync("INBOX", default))!.HighestModSeq);
        Assert.Empty(await account.ExpungeAsync(inbox.Id, [2], requireDeleted: true, default));
        Assert.Equal([2u], await account.ExpungeAsync(inbox.Id, [2], requireDeleted: false, default));
        Assert.Equal([1u], await account.ExpungeAsync(inbox.Id, null, requireDeleted: true, default));
        Assert.Equal([4u], (await account.GetMessagesAsync(inbox.Id, default)).Select(m => m.Uid));
        Assert.Null(await account.OpenMessageAsync(inbox.Id, 3, default));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(fixture.Root, "example.com", "alice", "cur")));
        Assert.Equal(StoreFixture.Sample(4).Length, await account.GetUsedOctetsAsync(default));
    }

    [Fact]
    public async Task OpenStream_SurvivesExpungeOfItsMessage()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 1);
        await using var stream = (await account.OpenMessageAsync(inbox.Id, 1, default))!;
        await account.ExpungeAsync(inbox.Id, [1], requireDeleted: false, default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(StoreFixture.Sample(1), copy.ToArray());
    }

    [Fact]
    public async Task Copy_ReturnsCopyUidData_KeepsFlagsDateAndEmailId()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 3);
        await account.UpdateFlagsAsync(inbox.Id, [2], FlagOperation.Add, MessageFlags.Seen, ["Keep"], null, default);
        await account.AppendAsync("Archive", new MemoryStream(StoreFixture.Sample(9)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        var result = await account.CopyAsync(inbox.Id, [3, 2, 77], "Archive", move: false, default);
        Assert.Equal(StoreStatus.Ok, result.Status);
        var archive = (await account.GetMailboxAsync("Archive", default))!;
        Assert.Equal(archive.UidValidity, result.DestinationUidValidity);
        Assert.Equal([2u, 3u], result.SourceUids);
        Assert.Equal([2u, 3u], result.DestinationUids);
        var source = await account.GetMessagesAsync(inbox.Id, default);
        var copies = await account.GetMessagesAsync(archive.Id, default);
        Assert.Equal(3, source.Count);
        Assert.Equal(source[1].EmailId, copies[1].EmailId);
        Assert.Equal(MessageFlags.Seen, copies[1].Flags);
        Assert.Equal(["Keep"], copies[1].Keywords);
        Assert.Equal(source[1].InternalDate, copies[1].InternalDate);
        Assert.Equal(StoreFixture.Sample(3), await StoreFixture.ReadAllAsync(account, archive.Id, 3));
        // Expunging the source keeps the shared file for the copy.
        await account.ExpungeAsync(inbox.Id, [2, 3], requireDeleted: false, default);
        Assert.Equal(StoreFixture.Sample(2), await StoreFixture.ReadAllAsync(account, archive.Id, 2));
    }

    [Fact]
    public async Task Move_ExpungesSourceAndKeepsEmailId()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 2);
        var emailId = (await account.GetMessagesAsync(inbox.Id, default))[0].EmailId;
        var changed = new List<long>();
        account.MailboxChanged += id => { lock (changed) { changed.Add(id); } };
        var result = await account.CopyAsync(inbox.Id, [1], "Trash", move: true, default);
        var trash = (await account.GetMailboxAsync("Trash", default))!;
        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal([1u], result.DestinationUids);
        Assert.Equal([2u], (await account.GetMessagesAsync(inbox.Id, default)).Select(m => m.Uid));
        Assert.Equal(emailId, Assert.Single(await account.GetMessagesAsync(trash.Id, default)).EmailId);
        Assert.Contains(inbox.Id, changed);
        Assert.Contains(trash.Id, changed);
        Assert.Equal(StoreFixture.Sample(1).Length + StoreFixture.Sample(2).Length, await account.GetUsedOctetsAsync(default));
    }

    [Fact]
    public async Task Move_WithinSameMailbox_AssignsNewUids()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 2);
        var result = await account.CopyAsync(inbox.Id, [1, 2], "INBOX", move: true, default);
        Assert.Equal([3u, 4u], result.DestinationUids);
        Assert.Equal([3u, 4u], (await account.GetMessagesAsync(inbox.Id, default)).Select(m => m.Uid));
        Assert.Equal(StoreFixture.Sample(1), await StoreFixture.ReadAllAsync(account, inbox.Id, 3));
    }

    [Fact]
    public async Task Copy_NoSuchDestination_ReturnsNoSuchMailbox()
    {
        using var fixture = new StoreFixture();
        var (account, inbox) = await WithMessagesAsync(fixture, 1);
        Assert.Equal(StoreStatus.NoSuchMailbox, (await account.CopyAsync(inbox.Id, [1], "Nowhere", move: false, default)).Status);
    }

    [Fact]
    public async Task Append_OverQuota_Refused_AndCopyOverQuotaRefused_MoveAllowed()
    {
        var quota = new FixedQuotaProvider(0);
        using var fixture = new StoreFixture(quota);
        var (account, inbox) = await WithMessagesAsync(fixture, 1);
        var used = await account.GetUsedOctetsAsync(default);
        quota.Quota = used + 10;
        var big = await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(2, 100)), MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        Assert.Equal(StoreStatus.OverQuota, big.Status);
        Assert.Equal(StoreStatus.OverQuota, (await account.CopyAsync(inbox.Id, [1], "Archive", move: false, default)).Status);
        Assert.Equal(StoreStatus.Ok, (await account.CopyAsync(inbox.Id, [1], "Archive", move: true, default)).Status);
        var outcome = Assert.Single(await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(3, 100)), DateTimeOffset.UtcNow, default));
        Assert.Equal(StoreStatus.OverQuota, outcome.Status);
        Assert.Equal(0u, outcome.Uid);
        Assert.Equal(used, await account.GetUsedOctetsAsync(default));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(fixture.Root, "example.com", "alice", "cur")));
    }

    [Fact]
    public async Task AppendAndDeliver_OverMaxMessageOctets_ReturnTooBig_StoreNothing()
    {
        using var fixture = new StoreFixture(maxMessageOctets: 1000);
        var account = await fixture.AccountAsync();
        var input = new MemoryStream(StoreFixture.Sample(1, 1001));
        var result = await account.AppendAsync("INBOX", input, MessageFlags.None, [], DateTimeOffset.UtcNow, default);
        Assert.Equal(StoreStatus.TooBig, result.Status);
        Assert.Equal(input.Length, input.Position);
        var outcomes = await fixture.Store.DeliverAsync(["alice@example.com", "bob@example.com"], new MemoryStream(StoreFixture.Sample(1, 5000)), DateTimeOffset.UtcNow, default);
        Assert.All(outcomes, o => Assert.Equal(StoreStatus.TooBig, o.Status));
        var single = await fixture.Store.DeliverAsync(["alice@example.com"], new MemoryStream(StoreFixture.Sample(1, 5000)), DateTimeOffset.UtcNow, default);
        Assert.Equal(StoreStatus.TooBig, Assert.Single(single).Status);
        Assert.Equal(StoreStatus.Ok, (await account.AppendAsync("INBOX", new MemoryStream(StoreFixture.Sample(1, 1000)), MessageFlags.None, [], DateTimeOffset.UtcNow, default)).Status);
        Assert.Equal(1, (await account.GetMailboxAsync("INBOX", default))!.Messages);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Root, ".spool")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.Root, "example.com", "alice", "tmp")));
    }
}

namespace Mail.Web.Tests.Protocols.Imap.Acl;

/// <summary>
/// NOTIFY (RFC 5465) on shared mailboxes: a grantee watching the "Other Users" namespace hears of the owner's and other
/// grantees' changes as STATUS between commands, only while it holds l and r. Absence is proven with a sentinel: a later
/// change of the watcher's own mailbox, whose STATUS must come first.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class SharedNotifyTests(ImapHostFixture host)
{
    private static async Task AppendAsync(ImapTestConnection c, string mailbox, string subject)
    {
        await c.SendAsync(ImapTestMessages.AppendPlus("ap", mailbox, ImapTestMessages.Simple(subject)));
        Assert.StartsWith("ap OK", (await c.ReadUntilTaggedAsync("ap"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubtreeOtherUsers_OwnerAndGranteeChanges_ArriveAsStatus()
    {
        var box = ImapTranscript.Unique("Ntf");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lr", ImapTestMessages.Simple("one"));
        await using var _ = o;
        var carol = await AclTestUsers.AddAsync(host);
        Assert.Equal(["sa OK SETACL completed"], await o.CommandAsync($"sa SETACL {box} {carol} lrsi"));
        var shared = AclTestUsers.Shared(owner, box);
        var status = "* STATUS " + shared + " ";

        await using var b = await host.LoginAsync(bob);
        var set = await b.CommandAsync("n1 NOTIFY SET STATUS (subtree \"Other Users\" (MessageNew MessageExpunge FlagChange))");
        Assert.Matches(@"^\* STATUS ""Other Users/[^""]+"" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1 HIGHESTMODSEQ \d+\)$", set[0]);
        Assert.Equal(["n1 OK NOTIFY completed"], set[1..]);

        // The owner delivers: MessageNew.
        await AppendAsync(o, box, "two");
        Assert.Matches(@" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 2 HIGHESTMODSEQ \d+\)$", await ReadStatusAsync(b, status));
        // The owner flags a message: FlagChange (HIGHESTMODSEQ moved).
        Assert.StartsWith("s1 OK", (await o.CommandAsync($"s1 SELECT {box}"))[^1], StringComparison.Ordinal);
        Assert.Equal("s2 OK STORE completed", (await o.CommandAsync("s2 STORE 1 +FLAGS.SILENT (\\Flagged)"))[^1]);
        Assert.Matches(@" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 2 HIGHESTMODSEQ \d+\)$", await ReadStatusAsync(b, status));
        // Another grantee appends: MessageNew again.
        await using var c = await host.LoginAsync(carol);
        await AppendAsync(c, shared, "three");
        Assert.Matches(@" \(MESSAGES 3 UIDNEXT 4 ", await ReadStatusAsync(b, status));
        // The owner expunges: MessageExpunge.
        Assert.Equal("s3 OK STORE completed", (await o.CommandAsync("s3 STORE 1 +FLAGS.SILENT (\\Deleted)"))[^1]);
        await ReadStatusAsync(b, status);
        Assert.Equal("s4 OK EXPUNGE completed", (await o.CommandAsync("s4 EXPUNGE"))[^1]);
        Assert.Matches(@" \(MESSAGES 2 UIDNEXT 4 ", await ReadStatusAsync(b, status));
        Assert.Equal(["z OK NOOP completed"], await b.CommandAsync("z NOOP"));
    }

    [Fact]
    public async Task MailboxesFilter_OnlyWithLookupAndRead_RevokeStopsEvents()
    {
        var box = ImapTranscript.Unique("Ntf");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lr", ImapTestMessages.Simple("one"));
        await using var _ = o;
        var dave = await AclTestUsers.AddAsync(host);
        // dave may see the name but not read the mailbox.
        Assert.Equal(["sa OK SETACL completed"], await o.CommandAsync($"sa SETACL {box} {dave} l"));
        var shared = AclTestUsers.Shared(owner, box);

        await using var b = await host.LoginAsync(bob);
        await using var d = await host.LoginAsync(dave);
        await using var bobOwn = await host.LoginAsync(bob);
        await using var daveOwn = await host.LoginAsync(dave);
        var events = $"(mailboxes {shared} (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge))";
        Assert.Equal(["n1 OK NOTIFY completed"], await b.CommandAsync("n1 NOTIFY SET " + events));
        var daveSet = await d.CommandAsync("n2 NOTIFY SET STATUS " + events);
        Assert.Equal("n2 OK NOTIFY completed", daveSet[^1]);
        Assert.DoesNotContain(daveSet, l => l.Contains("Other Users", StringComparison.Ordinal));

        await AppendAsync(o, box, "two");
        Assert.Matches(@" \(MESSAGES 2 UIDNEXT 3 ", await ReadStatusAsync(b, "* STATUS " + shared + " "));
        // dave (l only) hears nothing of it: the next line is the STATUS of his own INBOX.
        await AppendAsync(daveOwn, "INBOX", "sentinel");
        Assert.StartsWith("* STATUS \"INBOX\" ", await d.ReadLineAsync(), StringComparison.Ordinal);

        // Once the owner revokes bob's grant, his events stop at once.
        Assert.Equal(["r1 OK DELETEACL completed"], await o.CommandAsync($"r1 DELETEACL {box} {bob}"));
        await AppendAsync(o, box, "three");
        await AppendAsync(bobOwn, "INBOX", "sentinel");
        Assert.StartsWith("* STATUS \"INBOX\" ", await b.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(["z OK NOOP completed"], await b.CommandAsync("z NOOP"));
    }

    [Fact]
    public async Task PersonalFilter_DoesNotReachSharedMailboxes_SelectedSharedGetsExists()
    {
        var box = ImapTranscript.Unique("Ntf");
        var (o, owner, bob) = await AclTestUsers.ShareAsync(host, box, "lr", ImapTestMessages.Simple("one"));
        await using var _ = o;
        var shared = AclTestUsers.Shared(owner, box);
        await using var b = await host.LoginAsync(bob);
        await using var watcher = await host.LoginAsync(bob);
        await using var bobOwn = await host.LoginAsync(bob);
        Assert.Equal(["n1 OK NOTIFY completed"], await watcher.CommandAsync("n1 NOTIFY SET (personal (MessageNew MessageExpunge))"));
        Assert.StartsWith("e1 OK", (await b.CommandAsync($"e1 EXAMINE {shared}"))[^1], StringComparison.Ordinal);
        Assert.Equal(["n2 OK NOTIFY completed"], await b.CommandAsync("n2 NOTIFY SET (selected (MessageNew (UID) MessageExpunge)) (subtree \"Other Users\" (MessageNew MessageExpunge))"));

        await AppendAsync(o, box, "two");
        // The selected shared mailbox: EXISTS and the requested FETCH, never a STATUS of itself.
        Assert.Equal("* 2 EXISTS", await b.ReadLineAsync());
        Assert.Equal("* 0 RECENT", await b.ReadLineAsync());
        Assert.Equal("* 2 FETCH (UID 2)", await b.ReadLineAsync());
        // personal does not include "Other Users": the watcher's next line is its own INBOX.
        await AppendAsync(bobOwn, "INBOX", "sentinel");
        Assert.StartsWith("* STATUS \"INBOX\" ", await watcher.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal(["z OK NOOP completed"], await b.CommandAsync("z NOOP"));
    }

    /// <summary>Reads the next line, which must be a STATUS of the shared mailbox; returns it.</summary>
    private static async Task<string> ReadStatusAsync(ImapTestConnection c, string prefix)
    {
        var line = await c.ReadLineAsync();
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }
}

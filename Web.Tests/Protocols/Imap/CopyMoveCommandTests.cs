using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class CopyMoveCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Copy_ReturnsCopyUid()
    {
        var m = ImapTestMessages.Simple();
        var target = ImapTranscript.Unique("T");
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("C"), m, m);
        await c.CommandAsync($"c CREATE {target}");
        Assert.Matches(@"^a1 OK \[COPYUID \d+ 1:2 1:2\] COPY completed$", (await c.CommandAsync($"a1 COPY 1:2 {target}"))[^1]);
        Assert.Equal(["a2 NO [TRYCREATE] No such mailbox"], await c.CommandAsync("a2 COPY 1 Missing"));
    }

    [Fact]
    public async Task Move_SendsCopyUidThenExpunges()
    {
        var m = ImapTestMessages.Simple();
        var target = ImapTranscript.Unique("T");
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("C"), m, m, m);
        await c.CommandAsync($"c CREATE {target}");
        var reply = await c.CommandAsync($"a1 MOVE 2:3 {target}");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 2:3 1:2\] Moved$", reply[0]);
        Assert.Equal(["* 3 EXPUNGE", "* 2 EXPUNGE", "a1 OK MOVE completed"], reply[1..]);
        var uidMove = await c.CommandAsync($"a2 UID MOVE 1 {target}");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 1 3\] Moved$", uidMove[0]);
        Assert.Equal("* 1 EXPUNGE", uidMove[1]);
    }

    [Fact]
    public async Task UidCopy_MissingUids_CopiesNothing()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("C"), ImapTestMessages.Simple());
        Assert.Equal(["a1 OK No messages copied"], await c.CommandAsync("a1 UID COPY 99 INBOX"));
    }
}

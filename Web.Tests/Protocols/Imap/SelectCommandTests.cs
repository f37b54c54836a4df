using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class SelectCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Select_ReportsMailboxState()
    {
        var box = ImapTranscript.Unique("Sel");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box, ImapTestMessages.Simple(), ImapTestMessages.Simple());
        var reply = await c.CommandAsync($"a1 SELECT {box}");
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", reply[0]);
        Assert.Equal("* 2 EXISTS", reply[1]);
        Assert.Equal("* 2 RECENT", reply[2]);
        Assert.Equal("* OK [UNSEEN 1] First unseen", reply[3]);
        Assert.Matches(@"^\* OK \[UIDVALIDITY \d+\] UIDs valid$", reply[4]);
        Assert.Equal("* OK [UIDNEXT 3] Predicted next UID", reply[5]);
        Assert.Matches(@"^\* OK \[MAILBOXID \(F\d+\)\] Ok$", reply[6]);
        Assert.Equal("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted", reply[7]);
        Assert.Equal("a1 OK [READ-WRITE] SELECT completed", reply[^1]);
    }

    [Fact]
    public async Task Examine_IsReadOnly()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal("a1 OK [READ-ONLY] EXAMINE completed", (await c.CommandAsync("a1 EXAMINE inbox"))[^1]);
    }

    [Fact]
    public async Task Select_Missing_ReturnsNoAndLeavesSelectedState()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.CommandAsync("a1 SELECT INBOX");
        Assert.Equal("a2 NO [NONEXISTENT] No such mailbox", (await c.CommandAsync("a2 SELECT Nope"))[^1]);
        Assert.Equal("a3 BAD No mailbox selected", (await c.CommandAsync("a3 FETCH 1 FLAGS"))[^1]);
    }

    [Fact]
    public async Task Select_BeforeLogin_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal("a1 BAD Log in first", (await c.CommandAsync("a1 SELECT INBOX"))[^1]);
    }

    [Fact]
    public async Task Select_AfterEnableRev2_OmitsRecentAndSendsList()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* ENABLED IMAP4rev2", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE IMAP4rev2"));
        var reply = await c.CommandAsync("a1 SELECT INBOX");
        Assert.DoesNotContain(reply, l => l.EndsWith("RECENT", StringComparison.Ordinal));
        Assert.Contains("* LIST () \"/\" \"INBOX\"", reply);
    }
}

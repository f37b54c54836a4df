namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class ExpungeCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Expunge_DeletedMessages_ReportsDescendingSequenceNumbers()
    {
        var m = ImapTestMessages.Simple();
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("X"), m, m, m, m);
        await c.CommandAsync("a1 STORE 2:3 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["* 3 EXPUNGE", "* 2 EXPUNGE", "a2 OK EXPUNGE completed"], await c.CommandAsync("a2 EXPUNGE"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 4)", "a3 OK FETCH completed"], await c.CommandAsync("a3 FETCH 1:* UID"));
    }

    [Fact]
    public async Task UidExpunge_OnlyListedUids()
    {
        var m = ImapTestMessages.Simple();
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("X"), m, m);
        await c.CommandAsync("a1 STORE 1:2 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["* 2 EXPUNGE", "a2 OK UID EXPUNGE completed"], await c.CommandAsync("a2 UID EXPUNGE 2"));
    }

    [Fact]
    public async Task Expunge_ByOtherSession_NotSentDuringFetchButOnNoop()
    {
        var box = ImapTranscript.Unique("X");
        var m = ImapTestMessages.Simple();
        await using var a = await ImapTranscript.MailboxWithAsync(host, box, m, m);
        await using var b = await host.LoginAsync(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice);
        await b.CommandAsync($"s SELECT {box}");
        await b.CommandAsync("b1 STORE 1 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("b2 EXPUNGE");
        var fetch = await a.CommandAsync("a1 FETCH 1:* (UID)");
        Assert.DoesNotContain(fetch, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        var noop = await a.CommandAsync("a2 NOOP");
        Assert.Contains("* 1 EXPUNGE", noop);
    }

    [Fact]
    public async Task Close_ExpungesSilentlyAndDeselects()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("X"), ImapTestMessages.Simple());
        await c.CommandAsync("a1 STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["a2 OK CLOSE completed"], await c.CommandAsync("a2 CLOSE"));
        Assert.Equal("a3 BAD No mailbox selected", (await c.CommandAsync("a3 EXPUNGE"))[^1]);
    }

    [Fact]
    public async Task Unselect_KeepsDeletedMessages()
    {
        var box = ImapTranscript.Unique("X");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        await c.CommandAsync("a1 STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["a2 OK UNSELECT completed"], await c.CommandAsync("a2 UNSELECT"));
        Assert.Contains("MESSAGES 1", (await c.CommandAsync($"a3 STATUS {box} (MESSAGES)"))[0], StringComparison.Ordinal);
    }
}

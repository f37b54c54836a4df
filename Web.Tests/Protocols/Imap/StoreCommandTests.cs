namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class StoreCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Store_AddRemoveReplace_ReturnsNewFlags()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("S"), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Seen \\Flagged))", "* 2 FETCH (FLAGS (\\Recent \\Seen \\Flagged))", "a1 OK STORE completed"],
            await c.CommandAsync("a1 STORE 1:2 +FLAGS (\\Seen \\Flagged)"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Recent \\Seen))", "a2 OK STORE completed"], await c.CommandAsync("a2 STORE 2 -FLAGS \\Flagged"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent \\Draft Custom))", "a3 OK STORE completed"], await c.CommandAsync("a3 STORE 1 FLAGS (\\Draft Custom)"));
    }

    [Fact]
    public async Task Store_Silent_SendsNoFetch()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("S"), ImapTestMessages.Simple());
        Assert.Equal(["a1 OK STORE completed"], await c.CommandAsync("a1 STORE 1 +FLAGS.SILENT (\\Deleted)"));
    }

    [Fact]
    public async Task UidStore_IncludesUid()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("S"), ImapTestMessages.Simple());
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Recent \\Answered))", "a1 OK UID STORE completed"], await c.CommandAsync("a1 UID STORE 1 +FLAGS (\\Answered)"));
    }

    [Fact]
    public async Task Store_InReadOnlyMailbox_ReturnsNo()
    {
        var box = ImapTranscript.Unique("S");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        await c.CommandAsync($"e EXAMINE {box}");
        Assert.Equal("a1 NO [READ-ONLY] Mailbox is read-only", (await c.CommandAsync("a1 STORE 1 +FLAGS (\\Seen)"))[^1]);
    }

    [Fact]
    public async Task Store_UnknownSystemFlag_ReturnsBad()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("S"), ImapTestMessages.Simple());
        Assert.Equal("a1 BAD Unknown system flag", (await c.CommandAsync("a1 STORE 1 +FLAGS (\\Bogus)"))[^1]);
    }
}

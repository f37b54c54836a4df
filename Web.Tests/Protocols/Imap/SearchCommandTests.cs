namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class SearchCommandTests(ImapHostFixture host)
{
    private Task<ImapTestConnection> SetupAsync() => ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Q"),
        ImapTestMessages.Simple("apple pie"), ImapTestMessages.Simple("banana split"), ImapTestMessages.Multipart);

    [Fact]
    public async Task Search_FlagsAndSets()
    {
        await using var c = await SetupAsync();
        await c.CommandAsync("s STORE 2 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal(["* SEARCH 2", "a1 OK SEARCH completed"], await c.CommandAsync("a1 SEARCH FLAGGED"));
        Assert.Equal(["* SEARCH 1 3", "a2 OK SEARCH completed"], await c.CommandAsync("a2 SEARCH UNFLAGGED"));
        Assert.Equal(["* SEARCH 1 3", "a3 OK SEARCH completed"], await c.CommandAsync("a3 SEARCH OR 1 3:* UNSEEN"));
        Assert.Equal(["* SEARCH 2 3", "a4 OK UID SEARCH completed"], await c.CommandAsync("a4 UID SEARCH NOT UID 1"));
        Assert.Equal(["* SEARCH 1 2 3", "a5 OK SEARCH completed"], await c.CommandAsync("a5 SEARCH ALL LARGER 10 SINCE 1-Jan-2000"));
    }

    [Fact]
    public async Task Search_HeaderBodyAndText()
    {
        await using var c = await SetupAsync();
        Assert.Equal(["* SEARCH 2", "a1 OK SEARCH completed"], await c.CommandAsync("a1 SEARCH SUBJECT BANANA"));
        Assert.Equal(["* SEARCH 3", "a2 OK SEARCH completed"], await c.CommandAsync("a2 SEARCH BODY \"inner body\""));
        Assert.Equal(["* SEARCH 1 2", "a3 OK SEARCH completed"], await c.CommandAsync("a3 SEARCH FROM alice"));
        Assert.Equal(["* SEARCH 3", "a4 OK SEARCH completed"], await c.CommandAsync("a4 SEARCH HEADER Content-Type multipart"));
        Assert.Equal(["* SEARCH 1", "a5 OK SEARCH completed"], await c.CommandAsync("a5 SEARCH CHARSET UTF-8 TEXT pie"));
        Assert.Equal(["* SEARCH 1 2", "a6 OK SEARCH completed"], await c.CommandAsync("a6 SEARCH SENTON 7-Feb-2022"));
    }

    [Fact]
    public async Task Search_ReturnOptions_GivesEsearch()
    {
        await using var c = await SetupAsync();
        Assert.Equal(["* ESEARCH (TAG \"a1\") UID MIN 1 MAX 3 COUNT 3", "a1 OK UID SEARCH completed"], await c.CommandAsync("a1 UID SEARCH RETURN (MIN MAX COUNT) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"a2\") ALL 1:3", "a2 OK SEARCH completed"], await c.CommandAsync("a2 SEARCH RETURN () ALL"));
    }

    [Fact]
    public async Task Search_BadCharsetOrKey_Rejected()
    {
        await using var c = await SetupAsync();
        Assert.Equal(["a1 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"], await c.CommandAsync("a1 SEARCH CHARSET KOI8-R ALL"));
        Assert.Equal(["a2 BAD Unknown search key BOGUS"], await c.CommandAsync("a2 SEARCH BOGUS"));
    }

    [Fact]
    public async Task Search_DeepNesting_ReturnsBadLimit()
    {
        await using var c = await SetupAsync();
        var reply = await c.CommandAsync("a1 SEARCH " + new string('(', 20) + "ALL" + new string(')', 20));
        Assert.Equal(["a1 BAD [LIMIT] Too deeply nested"], reply);
    }
}

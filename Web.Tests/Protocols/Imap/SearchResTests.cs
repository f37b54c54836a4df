namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>SEARCHRES (RFC 5182): SEARCH RETURN (SAVE) and <c>$</c> in later commands.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SearchResTests(ImapHostFixture host)
{
    [Fact]
    public async Task SearchSave_ThenDollar_AddressesTheSavedMessages()
    {
        var box = ImapTranscript.Unique("Sr");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple(), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        await c.CommandAsync("a STORE 2 +FLAGS.SILENT (\\Seen)");
        Assert.Equal(["s1 OK SEARCH completed"], await c.CommandAsync("s1 SEARCH RETURN (SAVE) UNSEEN"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)", "f1 OK FETCH completed"], await c.CommandAsync("f1 FETCH $ (UID)"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)", "f2 OK UID FETCH completed"], await c.CommandAsync("f2 UID FETCH $ (UID)"));
        Assert.Equal(["* SEARCH 3", "s2 OK SEARCH completed"], await c.CommandAsync("s2 SEARCH $ NOT UID 1"));
        Assert.Equal(["* ESEARCH (TAG \"s3\") COUNT 2", "s3 OK SEARCH completed"], await c.CommandAsync("s3 SEARCH RETURN (SAVE COUNT) UID 1:2"));
        Assert.Equal(["* SEARCH 1 2", "s4 OK SEARCH completed"], await c.CommandAsync("s4 SEARCH $"));
        await c.CommandAsync($"x SELECT {box}");
        Assert.Equal(["f3 OK FETCH completed"], await c.CommandAsync("f3 FETCH $ (UID)"));
    }
}

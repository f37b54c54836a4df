namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>PREVIEW (RFC 8970): a whitespace-collapsed snippet of the text body, at most 256 characters.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class PreviewTests(ImapHostFixture host)
{
    [Fact]
    public async Task FetchPreview_PlainText_CollapsesWhitespace()
    {
        var message = "Subject: p\r\n\r\nHello   there,\r\n\r\n  second\tline\r\n";
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Pv"), message);
        Assert.Equal(["* 1 FETCH (PREVIEW \"Hello there, second line\")", "p1 OK FETCH completed"], await c.CommandAsync("p1 FETCH 1 PREVIEW"));
        Assert.Equal("* 1 FETCH (PREVIEW \"Hello there, second line\" FLAGS (\\Recent))", (await c.CommandAsync("p2 FETCH 1 (PREVIEW (LAZY) FLAGS)"))[0]);
    }

    [Fact]
    public async Task FetchPreview_HtmlOnlyAndLongText_StripsTagsAndTruncates()
    {
        var html = "Subject: h\r\nContent-Type: text/html\r\n\r\n<p>Hi &amp; <b>bye</b></p>\r\n";
        var longText = "Subject: l\r\n\r\n" + new string('a', 300) + "\r\n";
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Pv"), html, longText);
        Assert.Equal("* 1 FETCH (PREVIEW \"Hi & bye\")", (await c.CommandAsync("p1 FETCH 1 PREVIEW"))[0]);
        Assert.Equal($"* 2 FETCH (PREVIEW \"{new string('a', 256)}\")", (await c.CommandAsync("p2 FETCH 2 PREVIEW"))[0]);
        Assert.StartsWith("p3 BAD", (await c.CommandAsync("p3 FETCH 1 PREVIEW (EAGER)"))[^1], StringComparison.Ordinal);
    }
}

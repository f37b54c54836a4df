using Mail.Protocols.Imap.Search;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>SORT and UID SORT (RFC 5256 §3, SORT=DISPLAY RFC 5957) and the base subject (RFC 5256 §2.1).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SortCommandTests(ImapHostFixture host)
{
    private static string Message(string subject, string from, string date) =>
        $"From: {from}\r\nTo: x@example.com\r\nSubject: {subject}\r\nDate: {date}\r\n\r\nbody\r\n";

    [Theory]
    [InlineData("Re: [FWD: c]", "c")]
    [InlineData("[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)", "b")]
    [InlineData("re: [fwd: [fwd: re: [fwd: babylon]]]", "babylon")]
    [InlineData("[xyz]", "[xyz]")]
    [InlineData("Ad: Re: x", "Ad: Re: x")]
    [InlineData("  ", "")]
    public void BaseSubject_StripsPrefixesAndWrappers(string subject, string expected) =>
        Assert.Equal(expected, ImapBaseSubject.Extract(subject));

    [Fact]
    public async Task Sort_BySubjectSizeAndReverse_OrdersWithSequenceTiebreak()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Message("Re: beta", "Zed <z@example.com>", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("alpha", "amy@example.com", "Mon, 1 Jan 2024 09:00:00 +0000"),
            Message("Fwd: Beta", "Bob <b@example.com>", "Mon, 1 Jan 2024 11:00:00 +0000"));
        Assert.Equal(["* SORT 2 1 3", "s1 OK SORT completed"], await c.CommandAsync("s1 SORT (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* SORT 1 3 2", "s2 OK SORT completed"], await c.CommandAsync("s2 SORT (REVERSE SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 1 3", "s3 OK SORT completed"], await c.CommandAsync("s3 SORT (DATE) US-ASCII ALL"));
        Assert.Equal(["* SORT 2 3 1", "s4 OK SORT completed"], await c.CommandAsync("s4 SORT (FROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 2 3 1", "s5 OK SORT completed"], await c.CommandAsync("s5 SORT (DISPLAYFROM) UTF-8 ALL"));
        Assert.Equal(["* SORT 3 1", "s6 OK SORT completed"], await c.CommandAsync("s6 SORT (REVERSE DATE) UTF-8 NOT SUBJECT alpha"));
        Assert.Equal(["* SORT 3 1", "s7 OK UID SORT completed"], await c.CommandAsync("s7 UID SORT (REVERSE ARRIVAL) UTF-8 UID 1,3"));
    }

    [Fact]
    public async Task SortReturn_AnswersWithEsearchInSortOrder()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"),
            Message("b", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("c", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"),
            Message("a", "x@example.com", "Mon, 1 Jan 2024 10:00:00 +0000"));
        Assert.Equal(["* ESEARCH (TAG \"e1\") MIN 3 MAX 2 COUNT 3 ALL 3,1:2", "e1 OK SORT completed"],
            await c.CommandAsync("e1 SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"e2\") UID ALL 3,1", "e2 OK UID SORT completed"], await c.CommandAsync("e2 UID SORT RETURN () (SUBJECT) UTF-8 UID 1,3"));
    }

    [Fact]
    public async Task Sort_BadCriteriaOrCharset_IsRejected()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("So"), ImapTestMessages.Simple());
        Assert.StartsWith("b1 BAD", (await c.CommandAsync("b1 SORT (BOGUS) UTF-8 ALL"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b2 BAD", (await c.CommandAsync("b2 SORT () UTF-8 ALL"))[^1], StringComparison.Ordinal);
        Assert.Equal(["b3 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"], await c.CommandAsync("b3 SORT (SIZE) KOI8-R ALL"));
    }
}

using System.Text;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// PARTIAL (RFC 9394): paged SEARCH, SORT and UID FETCH results with positive and negative ranges, the range errors,
/// SAVE with PARTIAL, and ESEARCH/ESORT ALL written as ranges (RFC 4731 §3.1, RFC 5267 §3.1).
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class PartialTests(ImapHostFixture host)
{
    /// <summary>Six messages with INTERNALDATEs rising by a day, so ARRIVAL order is UID order without ties.</summary>
    private async Task<ImapTestConnection> SixMessagesAsync()
    {
        var mailbox = ImapTranscript.Unique("Page");
        var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {mailbox}"))[^1], StringComparison.Ordinal);
        for (var i = 1; i <= 6; i++)
        {
            var message = ImapTestMessages.Simple("m" + i);
            var date = $"\"0{i}-Mar-2024 10:00:00 +0000\"";
            await c.SendAsync($"a{i} APPEND {mailbox} {date} {{{Encoding.UTF8.GetByteCount(message)}+}}\r\n{message}\r\n");
            Assert.StartsWith($"a{i} OK", (await c.ReadUntilTaggedAsync($"a{i}"))[^1], StringComparison.Ordinal);
        }
        Assert.StartsWith("s1 OK", (await c.CommandAsync($"s1 SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        return c;
    }

    [Fact]
    public async Task Capability_AdvertisesPartial()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Contains(" PARTIAL", (await c.CommandAsync("c CAPABILITY"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NegativeRange_ReturnsTheLastResultsInMailboxOrder()
    {
        await using var c = await SixMessagesAsync();
        Assert.Equal(["* ESEARCH (TAG \"p1\") UID PARTIAL (-1:-2 5:6)", "p1 OK UID SEARCH completed"], await c.CommandAsync("p1 UID SEARCH RETURN (PARTIAL -1:-2) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p2\") PARTIAL (-2:-3 4:5)", "p2 OK SEARCH completed"], await c.CommandAsync("p2 SEARCH RETURN (PARTIAL -3:-2) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p3\") PARTIAL (-5:-9 1:2)", "p3 OK SEARCH completed"], await c.CommandAsync("p3 SEARCH RETURN (PARTIAL -5:-9) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p4\") PARTIAL (-7:-9 NIL)", "p4 OK SEARCH completed"], await c.CommandAsync("p4 SEARCH RETURN (PARTIAL -7:-9) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p5\") UID COUNT 6 PARTIAL (2:4 2:4)", "p5 OK UID SEARCH completed"], await c.CommandAsync("p5 UID SEARCH RETURN (COUNT PARTIAL 2:4) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p6\") MIN 2 PARTIAL (1:1 2)", "p6 OK SEARCH completed"], await c.CommandAsync("p6 SEARCH RETURN (MIN PARTIAL 1:1) 2:6"));
    }

    [Theory]
    [InlineData("PARTIAL 1:5 ALL")]
    [InlineData("ALL PARTIAL 1:5")]
    [InlineData("PARTIAL 1:5 PARTIAL 6:9")]
    [InlineData("ALL ALL")]
    [InlineData("PARTIAL")]
    [InlineData("PARTIAL 0:5")]
    [InlineData("PARTIAL 1:*")]
    [InlineData("PARTIAL -1:5")]
    [InlineData("PARTIAL 1:-5")]
    [InlineData("PARTIAL -0:-5")]
    [InlineData("PARTIAL 5")]
    [InlineData("PARTIAL 01:5")]
    [InlineData("PARTIAL 1:4294967296")]
    [InlineData("PARTIAL \"1:5\"")]
    public async Task Search_BadPartial_ReturnsBad(string options)
    {
        await using var c = await SixMessagesAsync();
        Assert.StartsWith("b1 BAD ", Assert.Single(await c.CommandAsync($"b1 SEARCH RETURN ({options}) ALL")), StringComparison.Ordinal);
        Assert.StartsWith("b2 BAD ", Assert.Single(await c.CommandAsync($"b2 UID SORT RETURN ({options}) (ARRIVAL) UTF-8 ALL")), StringComparison.Ordinal);
        Assert.StartsWith("n1 OK", (await c.CommandAsync("n1 NOOP"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sort_Partial_PagesInSortOrder()
    {
        await using var c = await SixMessagesAsync();
        Assert.Equal(["* ESEARCH (TAG \"s1\") UID PARTIAL (1:2 6,5)", "s1 OK UID SORT completed"], await c.CommandAsync("s1 UID SORT RETURN (PARTIAL 1:2) (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"s2\") UID PARTIAL (-1:-2 2,1)", "s2 OK UID SORT completed"], await c.CommandAsync("s2 UID SORT RETURN (PARTIAL -1:-2) (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"s3\") COUNT 6 PARTIAL (5:9 2,1)", "s3 OK SORT completed"], await c.CommandAsync("s3 SORT RETURN (COUNT PARTIAL 5:9) (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"s4\") UID PARTIAL (1:3 1:3)", "s4 OK UID SORT completed"], await c.CommandAsync("s4 UID SORT RETURN (PARTIAL 1:3) (ARRIVAL) UTF-8 ALL"));
    }

    [Fact]
    public async Task EsortAll_WritesAscendingAndDescendingRuns()
    {
        await using var c = await SixMessagesAsync();
        Assert.Equal(["* ESEARCH (TAG \"e1\") UID ALL 6:1", "e1 OK UID SORT completed"], await c.CommandAsync("e1 UID SORT RETURN (ALL) (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"e2\") ALL 1:6", "e2 OK SORT completed"], await c.CommandAsync("e2 SORT RETURN () (ARRIVAL) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"e3\") UID ALL 6:4,2,1", "e3 OK UID SORT completed"], await c.CommandAsync("e3 UID SORT RETURN (ALL) (REVERSE ARRIVAL) UTF-8 NOT UID 3"));
        Assert.Equal(["* ESEARCH (TAG \"e4\") UID ALL 1:2,4:6", "e4 OK UID SEARCH completed"], await c.CommandAsync("e4 UID SEARCH RETURN (ALL) NOT 3"));
        Assert.Equal(["* SORT 6 5 4 3 2 1", "e5 OK SORT completed"], await c.CommandAsync("e5 SORT (REVERSE ARRIVAL) UTF-8 ALL"));
    }

    [Fact]
    public async Task SavePartial_SavesThePageUnlessCountIsAsked()
    {
        await using var c = await SixMessagesAsync();
        Assert.Equal(["* ESEARCH (TAG \"v1\") PARTIAL (-1:-2 5:6)", "v1 OK SEARCH completed"], await c.CommandAsync("v1 SEARCH RETURN (SAVE PARTIAL -1:-2) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"v2\") UID ALL 5:6", "v2 OK UID SEARCH completed"], await c.CommandAsync("v2 UID SEARCH RETURN (ALL) UID $"));
        Assert.Equal(["* ESEARCH (TAG \"v3\") COUNT 6 PARTIAL (1:1 1)", "v3 OK SEARCH completed"], await c.CommandAsync("v3 SEARCH RETURN (SAVE COUNT PARTIAL 1:1) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"v4\") UID ALL 1:6", "v4 OK UID SEARCH completed"], await c.CommandAsync("v4 UID SEARCH RETURN (ALL) UID $"));
        Assert.Equal(["* ESEARCH (TAG \"v5\") MIN 1 MAX 6 PARTIAL (3:3 3)", "v5 OK SEARCH completed"], await c.CommandAsync("v5 SEARCH RETURN (SAVE MIN MAX PARTIAL 3:3) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"v6\") UID ALL 1,3,6", "v6 OK UID SEARCH completed"], await c.CommandAsync("v6 UID SEARCH RETURN (ALL) UID $"));
    }

    [Fact]
    public async Task UidFetch_PartialModifier_ReturnsOnlyThePage()
    {
        await using var c = await SixMessagesAsync();
        Assert.Equal(
            ["* 5 FETCH (UID 5 FLAGS (\\Recent))", "* 6 FETCH (UID 6 FLAGS (\\Recent))", "f1 OK UID FETCH completed"],
            await c.CommandAsync("f1 UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)"));
        Assert.Equal(
            ["* 3 FETCH (UID 3 FLAGS (\\Recent))", "f2 OK UID FETCH completed"],
            await c.CommandAsync("f2 UID FETCH 2:5 (FLAGS) (PARTIAL 2:2)"));
        Assert.Equal(["f3 OK UID FETCH completed"], await c.CommandAsync("f3 UID FETCH 1:* (FLAGS) (PARTIAL 7:9)"));
        Assert.StartsWith("f4 BAD ", Assert.Single(await c.CommandAsync("f4 FETCH 1:* (FLAGS) (PARTIAL 1:2)")), StringComparison.Ordinal);
        Assert.StartsWith("f5 BAD ", Assert.Single(await c.CommandAsync("f5 UID FETCH 1:* (FLAGS) (PARTIAL 1:*)")), StringComparison.Ordinal);
        Assert.StartsWith("f6 BAD ", Assert.Single(await c.CommandAsync("f6 UID FETCH 1:* (FLAGS) (PARTIAL 1:2 PARTIAL 3:4)")), StringComparison.Ordinal);
    }
}

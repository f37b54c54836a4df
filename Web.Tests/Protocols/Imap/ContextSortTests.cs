using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// CONTEXT=SORT (RFC 5267 §4): SORT RETURN (UPDATE) kept in sort order while another session changes flags, appends and
/// expunges; ADDTO/REMOVEFROM carry positions in the sorted result; CANCELUPDATE ends it.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class ContextSortTests(ImapHostFixture host)
{
    [Fact]
    public async Task SortUpdate_ReportsPositionsInSortedResult_UntilCancelled()
    {
        var mailbox = ImapTranscript.Unique("CtxSort");
        await using var a = await ImapTranscript.MailboxWithAsync(host, mailbox, ImapTestMessages.Simple("c"), ImapTestMessages.Simple("a"), ImapTestMessages.Simple("b"));
        await using var b = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);

        Assert.Equal(["* ESEARCH (TAG \"s1\")", "s1 OK SORT completed"], await a.CommandAsync("s1 SORT RETURN (ALL UPDATE) (SUBJECT) UTF-8 FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"s2\") UID ALL 1,3,2", "s2 OK UID SORT completed"], await a.CommandAsync("s2 UID SORT RETURN (UPDATE ALL) (REVERSE SUBJECT) UTF-8 UNDELETED"));

        await b.CommandAsync("b1 STORE 1,3 +FLAGS.SILENT (\\Flagged)");
        var noop = await a.CommandAsync("n1 NOOP");
        // Sorted by subject: "b" (message 3) at position 1, then "c" (message 1) at position 2.
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (1 3 2 1)", noop);

        await b.CommandAsync("b2 STORE 2 +FLAGS.SILENT (\\Flagged)");
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (1 2)", await a.CommandAsync("n2 NOOP"));

        await b.CommandAsync("b3 STORE 3 -FLAGS.SILENT (\\Flagged)");
        Assert.Contains("* ESEARCH (TAG \"s1\") REMOVEFROM (2 3)", await a.CommandAsync("n3 NOOP"));

        await b.SendAsync(ImapTestMessages.AppendPlus("b4", mailbox, ImapTestMessages.Simple("aa"), "\\Flagged"));
        await b.ReadUntilTaggedAsync("b4");
        noop = await a.CommandAsync("n4 NOOP");
        Assert.Contains("* 4 EXISTS", noop);
        Assert.Contains("* ESEARCH (TAG \"s1\") ADDTO (2 4)", noop);
        // Reverse subject: c b aa a, so "aa" (UID 4) goes to position 3.
        Assert.Contains("* ESEARCH (TAG \"s2\") UID ADDTO (3 4)", noop);

        await b.CommandAsync("b5 STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("b6 EXPUNGE");
        noop = await a.CommandAsync("n5 NOOP");
        var removed = noop.IndexOf("* ESEARCH (TAG \"s1\") REMOVEFROM (1 2)");
        Assert.True(removed >= 0 && removed < noop.IndexOf("* 2 EXPUNGE"), string.Join(" | ", noop));
        // UID 2 ("a") was last in reverse subject order: c b aa a.
        Assert.Contains("* ESEARCH (TAG \"s2\") UID REMOVEFROM (4 2)", noop);

        Assert.Equal(["c1 OK CANCELUPDATE completed"], await a.CommandAsync("c1 CANCELUPDATE \"s1\" \"s2\""));
        await b.CommandAsync("b7 STORE 1 -FLAGS.SILENT (\\Flagged)");
        Assert.DoesNotContain(await a.CommandAsync("n6 NOOP"), l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SortPartial_ReturnsPositionsInSortOrder()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("SortPart"),
            ImapTestMessages.Simple("d"), ImapTestMessages.Simple("b"), ImapTestMessages.Simple("a"), ImapTestMessages.Simple("c"));
        Assert.Equal(["* ESEARCH (TAG \"p1\") PARTIAL (2:3 2,4)", "p1 OK SORT completed"], await c.CommandAsync("p1 SORT RETURN (PARTIAL 3:2) (SUBJECT) UTF-8 ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p2\") PARTIAL (5:9 NIL)", "p2 OK SORT completed"], await c.CommandAsync("p2 SORT RETURN (PARTIAL 5:9) (SUBJECT) UTF-8 ALL"));
        Assert.StartsWith("p3 BAD ", Assert.Single(await c.CommandAsync("p3 SORT RETURN (PARTIAL 1:*) (SUBJECT) UTF-8 ALL")), StringComparison.Ordinal);
    }
}

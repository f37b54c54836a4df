using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>CONTEXT=SEARCH (RFC 5267): SEARCH RETURN (UPDATE) fed by another session's changes, CANCELUPDATE and PARTIAL.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class ContextSearchTests(ImapHostFixture host)
{
    [Fact]
    public async Task Update_ReportsChangesFromAnotherSession_UntilCancelled()
    {
        var mailbox = ImapTranscript.Unique("Ctx");
        await using var a = await ImapTranscript.MailboxWithAsync(host, mailbox, ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"), ImapTestMessages.Simple("three"));
        await using var b = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith("s OK", (await b.CommandAsync($"s SELECT {mailbox}"))[^1], StringComparison.Ordinal);
        Assert.Contains(" CONTEXT=SEARCH", (await a.CommandAsync("c0 CAPABILITY"))[0], StringComparison.Ordinal);

        Assert.Equal(["* ESEARCH (TAG \"u1\")", "u1 OK SEARCH completed"], await a.CommandAsync("u1 SEARCH RETURN (UPDATE) FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"u2\") UID ALL 1:3", "u2 OK UID SEARCH completed"], await a.CommandAsync("u2 UID SEARCH RETURN (UPDATE ALL) BODY world"));

        Assert.StartsWith("b1 OK", (await b.CommandAsync("b1 STORE 2 +FLAGS.SILENT (\\Flagged)"))[^1], StringComparison.Ordinal);
        var noop = await a.CommandAsync("n1 NOOP");
        Assert.Contains("* ESEARCH (TAG \"u1\") ADDTO (0 2)", noop);

        await b.SendAsync(ImapTestMessages.AppendPlus("b2", mailbox, ImapTestMessages.Simple("four"), "\\Flagged"));
        Assert.StartsWith("b2 OK", (await b.ReadUntilTaggedAsync("b2"))[^1], StringComparison.Ordinal);
        noop = await a.CommandAsync("n2 NOOP");
        Assert.Contains("* 4 EXISTS", noop);
        Assert.Contains("* ESEARCH (TAG \"u1\") ADDTO (0 4)", noop);
        Assert.Contains("* ESEARCH (TAG \"u2\") UID ADDTO (0 4)", noop);

        Assert.StartsWith("b3 OK", (await b.CommandAsync("b3 UID STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("b4 OK", (await b.CommandAsync("b4 EXPUNGE"))[^1], StringComparison.Ordinal);
        noop = await a.CommandAsync("n3 NOOP");
        var removeFrom = noop.IndexOf("* ESEARCH (TAG \"u1\") REMOVEFROM (0 2)");
        Assert.True(removeFrom >= 0 && removeFrom < noop.IndexOf("* 2 EXPUNGE"), string.Join(" | ", noop));
        Assert.Contains("* ESEARCH (TAG \"u2\") UID REMOVEFROM (0 2)", noop);

        Assert.Equal(["c1 NO No such update"], await a.CommandAsync("c1 CANCELUPDATE \"zz\""));
        Assert.Equal(["c2 OK CANCELUPDATE completed"], await a.CommandAsync("c2 CANCELUPDATE \"u1\" \"u2\""));
        Assert.StartsWith("b5 OK", (await b.CommandAsync("b5 STORE 1 +FLAGS.SILENT (\\Flagged)"))[^1], StringComparison.Ordinal);
        noop = await a.CommandAsync("n4 NOOP");
        Assert.DoesNotContain(noop, l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partial_ReturnsTheRequestedPositions()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Part"),
            ImapTestMessages.Simple("1"), ImapTestMessages.Simple("2"), ImapTestMessages.Simple("3"), ImapTestMessages.Simple("4"));
        Assert.Equal(["* ESEARCH (TAG \"p1\") PARTIAL (2:3 2:3)", "p1 OK SEARCH completed"], await c.CommandAsync("p1 SEARCH RETURN (PARTIAL 3:2) ALL"));
        Assert.Equal(["* ESEARCH (TAG \"p2\") UID COUNT 4 PARTIAL (5:9 NIL)", "p2 OK UID SEARCH completed"], await c.CommandAsync("p2 UID SEARCH RETURN (COUNT PARTIAL 5:9) ALL"));
        Assert.StartsWith("p3 BAD ", Assert.Single(await c.CommandAsync("p3 SEARCH RETURN (PARTIAL 1:*) ALL")), StringComparison.Ordinal);
        Assert.StartsWith("p4 BAD ", Assert.Single(await c.CommandAsync("p4 SEARCH RETURN (PARTIAL 0:2) ALL")), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>CONDSTORE (RFC 7162 §3.1-3.2): MODSEQ per message, HIGHESTMODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, SEARCH MODSEQ.</summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class CondStoreTests(ImapHostFixture host)
{
    [GeneratedRegex(@"MODSEQ \((\d+)\)")]
    private static partial Regex ModSeqItem();

    private static ulong ModSeqOf(string line) => ulong.Parse(ModSeqItem().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Capability_AfterLogin_AdvertisesCondStore()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Contains(" CONDSTORE", (await c.CommandAsync("a CAPABILITY"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectCondStore_ReportsHighestModSeq_AndStatusAgrees()
    {
        var box = ImapTranscript.Unique("Cs");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box, ImapTestMessages.Simple(), ImapTestMessages.Simple());
        var status = (await c.CommandAsync($"s1 STATUS {box} (HIGHESTMODSEQ)"))[0];
        var highest = Regex.Match(status, @"HIGHESTMODSEQ (\d+)").Groups[1].Value;
        var select = await c.CommandAsync($"s2 SELECT {box} (CONDSTORE)");
        Assert.Contains($"* OK [HIGHESTMODSEQ {highest}] Highest", select);
        Assert.StartsWith("s2 OK [READ-WRITE]", select[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnablingCommandInSelectedState_SendsHighestModSeqOnce()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Cs"), ImapTestMessages.Simple());
        var first = await c.CommandAsync("f1 FETCH 1 (MODSEQ)");
        Assert.Matches(@"^\* OK \[HIGHESTMODSEQ \d+\]", first[0]);
        Assert.Matches(@"^\* 1 FETCH \(MODSEQ \(\d+\)\)$", first[1]);
        var second = await c.CommandAsync("f2 FETCH 1 (MODSEQ)");
        Assert.Equal(2, second.Count);
    }

    [Fact]
    public async Task Store_ReportsNewModSeq_AndChangedSinceFiltersFetch()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Cs"), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        Assert.Equal("* ENABLED CONDSTORE", (await c.CommandAsync("e ENABLE CONDSTORE"))[^2]);
        var before = ModSeqOf((await c.CommandAsync("f1 FETCH 2 (MODSEQ)"))[0]);
        var stored = (await c.CommandAsync("st STORE 2 +FLAGS (\\Flagged)"))[0];
        Assert.Matches(@"^\* 2 FETCH \(MODSEQ \(\d+\) FLAGS \(\\Recent \\Flagged\)\)$", stored);
        var after = ModSeqOf(stored);
        Assert.True(after > before);
        var changed = await c.CommandAsync($"f2 FETCH 1:* (FLAGS) (CHANGEDSINCE {before})");
        Assert.Equal([$"* 2 FETCH (MODSEQ ({after}) FLAGS (\\Recent \\Flagged))", "f2 OK FETCH completed"], changed);
        Assert.Equal(["f3 OK FETCH completed"], await c.CommandAsync($"f3 FETCH 1:* (FLAGS) (CHANGEDSINCE {after})"));
    }

    [Fact]
    public async Task StoreUnchangedSince_OnNewerMessage_ReturnsModified()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Cs"), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        var m1 = (await c.CommandAsync("f1 FETCH 1 (MODSEQ)"))[1];
        var modseq = ModSeqOf(m1);
        await c.CommandAsync("s1 STORE 2 +FLAGS.SILENT (\\Seen)");
        var reply = await c.CommandAsync($"s2 STORE 1:2 (UNCHANGEDSINCE {modseq}) +FLAGS (\\Answered)");
        Assert.Equal("s2 OK [MODIFIED 2] Conditional STORE failed for some messages", reply[^1]);
        Assert.Contains(reply, l => l.StartsWith("* 1 FETCH (MODSEQ (", StringComparison.Ordinal) && l.Contains("\\Answered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchModSeq_ReturnsHighestModSeqOfMatches()
    {
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("Cs"), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        var stored = (await c.CommandAsync("s1 STORE 1 +FLAGS (\\Seen)")).First(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        await c.CommandAsync("e ENABLE CONDSTORE");
        var modseq = ModSeqOf((await c.CommandAsync("f FETCH 1 (MODSEQ)"))[0]);
        Assert.Equal([$"* SEARCH 1 (MODSEQ {modseq})", "q1 OK SEARCH completed"], await c.CommandAsync($"q1 SEARCH MODSEQ {modseq}"));
        Assert.Equal([$"* ESEARCH (TAG \"q2\") ALL 1 MODSEQ {modseq}", "q2 OK SEARCH completed"],
            await c.CommandAsync($"q2 SEARCH RETURN (ALL) MODSEQ \"/flags/\\\\seen\" all {modseq}"));
        Assert.DoesNotContain("MODSEQ", stored, StringComparison.Ordinal);
    }
}

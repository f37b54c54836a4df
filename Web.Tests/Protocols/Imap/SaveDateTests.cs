using System.Globalization;
using System.Text.RegularExpressions;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>SAVEDATE (RFC 8514): the FETCH item and the SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED search keys.</summary>
[Collection(ImapHostCollection.Name)]
public sealed partial class SaveDateTests(ImapHostFixture host)
{
    [GeneratedRegex("""^\* (\d) FETCH \(SAVEDATE "([ \d]\d-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} \+0000)"\)$""")]
    private static partial Regex SaveDateLine();

    private static string Day(DateTime utc) => utc.ToString("d-MMM-yyyy", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Fetch_SaveDate_IsTheUtcTimeOfAppend()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var c = await ImapTranscript.MailboxWithAsync(host, ImapTranscript.Unique("SD"), ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"));
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        var reply = await c.CommandAsync("f1 FETCH 1:2 (SAVEDATE)");
        Assert.Equal(3, reply.Count);
        foreach (var line in reply.Take(2))
        {
            var m = SaveDateLine().Match(line);
            Assert.True(m.Success, line);
            var saved = DateTimeOffset.ParseExact(m.Groups[2].Value.Trim(), "d-MMM-yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture);
            Assert.InRange(saved, before, after);
        }
        Assert.Equal("f1 OK FETCH completed", reply[^1]);
    }

    [Fact]
    public async Task Search_SavedKeys_CompareTheUtcDay()
    {
        var mailbox = ImapTranscript.Unique("SD");
        await using var c = await ImapTranscript.MailboxWithAsync(host, mailbox, ImapTestMessages.Simple("one"), ImapTestMessages.Simple("two"));
        var today = DateTime.UtcNow.Date;
        Assert.Equal(["* SEARCH 1 2", "a1 OK SEARCH completed"], await c.CommandAsync($"a1 SEARCH SAVEDON {Day(today)}"));
        Assert.Equal(["* SEARCH", "a2 OK SEARCH completed"], await c.CommandAsync($"a2 SEARCH SAVEDBEFORE {Day(today)}"));
        Assert.Equal(["* SEARCH 1 2", "a3 OK SEARCH completed"], await c.CommandAsync($"a3 SEARCH SAVEDSINCE {Day(today.AddDays(-1))}"));
        Assert.Equal(["* SEARCH", "a4 OK SEARCH completed"], await c.CommandAsync($"a4 SEARCH SAVEDSINCE {Day(today.AddDays(1))}"));
        Assert.Equal(["* SEARCH 1 2", "a5 OK SEARCH completed"], await c.CommandAsync("a5 SEARCH SAVEDATESUPPORTED"));
        Assert.Equal(["* SEARCH 2", "a6 OK SEARCH completed"], await c.CommandAsync($"a6 SEARCH SAVEDBEFORE {Day(today.AddDays(1))} SUBJECT two"));
    }

    [Fact]
    public async Task Copy_GivesTheCopyItsOwnSaveDate_AndCapabilityIsAdvertised()
    {
        var source = ImapTranscript.Unique("SD");
        var target = ImapTranscript.Unique("SDT");
        await using var c = await ImapTranscript.MailboxWithAsync(host, source, ImapTestMessages.Simple("one"));
        Assert.Contains(" SAVEDATE", (await c.CommandAsync("c0 CAPABILITY"))[0], StringComparison.Ordinal);
        Assert.StartsWith("c1 OK", (await c.CommandAsync($"c1 CREATE {target}"))[^1], StringComparison.Ordinal);
        var first = SaveDateLine().Match((await c.CommandAsync("f1 FETCH 1 (SAVEDATE)"))[0]).Groups[2].Value;
        // The save date has a one-second resolution on the wire: wait for the next second before copying.
        var deadline = DateTime.UtcNow.AddSeconds(1.1);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.StartsWith("c2 OK [COPYUID", (await c.CommandAsync($"c2 COPY 1 {target}"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("s2 OK", (await c.CommandAsync($"s2 SELECT {target}"))[^1], StringComparison.Ordinal);
        var copied = SaveDateLine().Match((await c.CommandAsync("f2 FETCH 1 (SAVEDATE)"))[0]).Groups[2].Value;
        Assert.NotEqual("", copied);
        Assert.NotEqual(first, copied);
    }
}

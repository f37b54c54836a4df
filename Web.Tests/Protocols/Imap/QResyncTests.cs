using System.Globalization;
using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>QRESYNC (RFC 7162 §3.2): VANISHED instead of EXPUNGE, SELECT (QRESYNC ...), UID FETCH (CHANGEDSINCE n VANISHED).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class QResyncTests(ImapHostFixture host)
{
    private static async Task<(string UidValidity, ulong HighestModSeq)> StateAsync(ImapTestConnection c, string box)
    {
        var line = (await c.CommandAsync($"st STATUS {box} (UIDVALIDITY HIGHESTMODSEQ)"))[0];
        var m = Regex.Match(line, @"UIDVALIDITY (\d+) HIGHESTMODSEQ (\d+)");
        return (m.Groups[1].Value, ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EnabledQResync_Expunge_ReportsVanished()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* ENABLED QRESYNC", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE QRESYNC"));
        var box = ImapTranscript.Unique("Qr");
        await ImapTranscript.CreateWithAsync(c, box, ImapTestMessages.Simple(), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        Assert.Contains(await c.CommandAsync($"s SELECT {box}"), l => l.StartsWith("* OK [HIGHESTMODSEQ ", StringComparison.Ordinal));
        await c.CommandAsync("f STORE 1,3 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal(["* VANISHED 1,3", "x OK EXPUNGE completed"], (await c.CommandAsync("x EXPUNGE")).Where(l => !l.Contains("FETCH", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SelectQResync_ReportsVanishedEarlierAndChangedFlags()
    {
        var box = ImapTranscript.Unique("Qr");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box, ImapTestMessages.Simple(), ImapTestMessages.Simple(), ImapTestMessages.Simple());
        var (uidValidity, modseq) = await StateAsync(c, box);
        await c.CommandAsync($"s SELECT {box}");
        await c.CommandAsync("a STORE 2 +FLAGS.SILENT (\\Flagged)");
        await c.CommandAsync("b STORE 3 +FLAGS.SILENT (\\Deleted)");
        await c.CommandAsync("x EXPUNGE");
        await c.CommandAsync("u UNSELECT");

        await c.CommandAsync("e ENABLE QRESYNC");
        var reply = await c.CommandAsync($"q SELECT {box} (QRESYNC ({uidValidity} {modseq} 1:3))");
        var vanished = reply.IndexOf("* VANISHED (EARLIER) 3");
        Assert.True(vanished >= 0, string.Join("\n", reply));
        var fetch = reply.FindIndex(l => Regex.IsMatch(l, @"^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$"));
        Assert.True(fetch > vanished, string.Join("\n", reply));
        Assert.DoesNotContain(reply, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.StartsWith("q OK [READ-WRITE]", reply[^1], StringComparison.Ordinal);

        var sinceFetch = await c.CommandAsync($"f UID FETCH 1:* (FLAGS) (CHANGEDSINCE {modseq} VANISHED)");
        Assert.Equal("* VANISHED (EARLIER) 3", sinceFetch[0]);
        Assert.Matches(@"^\* 2 FETCH \(UID 2 MODSEQ \(\d+\) FLAGS \(\\Flagged\)\)$", sinceFetch[1]);
    }

    [Fact]
    public async Task QResyncParameter_WithoutEnable_IsBad()
    {
        var box = ImapTranscript.Unique("Qr");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box);
        Assert.StartsWith("q BAD", (await c.CommandAsync($"q SELECT {box} (QRESYNC (1 1))"))[^1], StringComparison.Ordinal);
        await c.CommandAsync($"s SELECT {box}");
        Assert.StartsWith("f BAD", (await c.CommandAsync("f UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"))[^1], StringComparison.Ordinal);
    }
}

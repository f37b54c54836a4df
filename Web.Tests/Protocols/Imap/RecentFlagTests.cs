using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>\Recent (RFC 3501 §2.3.2): each new message is recent in exactly one IMAP4rev1 session.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class RecentFlagTests(ImapHostFixture host)
{
    [Fact]
    public async Task Recent_NewMessage_IsRecentInExactlyOneSession()
    {
        var box = ImapTranscript.Unique("Rec");
        await using var first = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        await using var second = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Contains("* 0 RECENT", await second.CommandAsync($"s SELECT {box}"));
        await using var appender = await host.LoginAsync(MailHostFixture.Alice);
        await appender.SendAsync(ImapTestMessages.AppendPlus("a1", box, ImapTestMessages.Simple("new")));
        await appender.ReadUntilTaggedAsync("a1");

        Assert.Equal(["* 2 EXISTS", "* 2 RECENT", "n1 OK NOOP completed"], await first.CommandAsync("n1 NOOP"));
        Assert.Equal(["* 2 EXISTS", "* 0 RECENT", "n2 OK NOOP completed"], await second.CommandAsync("n2 NOOP"));
        Assert.Equal("* 2 FETCH (FLAGS (\\Recent))", (await first.CommandAsync("f1 FETCH 2 FLAGS"))[0]);
        Assert.Equal("* 2 FETCH (FLAGS ())", (await second.CommandAsync("f2 FETCH 2 FLAGS"))[0]);
        Assert.Equal(["* SEARCH 1 2", "r1 OK SEARCH completed"], await first.CommandAsync("r1 SEARCH RECENT"));
        Assert.Equal(["* SEARCH", "r2 OK SEARCH completed"], await second.CommandAsync("r2 SEARCH NEW"));
        Assert.Equal(["* SEARCH 1 2", "r3 OK SEARCH completed"], await second.CommandAsync("r3 SEARCH OLD"));
    }

    [Fact]
    public async Task Recent_ExamineAndStatus_CountWithoutClaiming()
    {
        var box = ImapTranscript.Unique("Rec");
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box, ImapTestMessages.Simple(), ImapTestMessages.Simple());
        Assert.Contains("* 2 RECENT", await c.CommandAsync($"e EXAMINE {box}"));
        await c.CommandAsync("c CLOSE");
        Assert.Equal($"* STATUS \"{box}\" (RECENT 2)", (await c.CommandAsync($"s1 STATUS {box} (RECENT)"))[0]);
        Assert.Contains("* 2 RECENT", await c.CommandAsync($"s SELECT {box}"));
        await c.CommandAsync("c2 CLOSE");
        Assert.Equal($"* STATUS \"{box}\" (RECENT 0)", (await c.CommandAsync($"s2 STATUS {box} (RECENT)"))[0]);
        Assert.Contains("* 0 RECENT", await c.CommandAsync($"s3 SELECT {box}"));
    }
}

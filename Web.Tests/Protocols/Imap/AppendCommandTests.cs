using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class AppendCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Append_SynchronizingLiteral_ContinuesAndReturnsAppendUid()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var box = ImapTranscript.Unique("A");
        await c.CommandAsync($"c CREATE {box}");
        var message = ImapTestMessages.Simple();
        await c.SendAsync($"a1 APPEND {box} (\\Seen $Work) \" 7-Feb-2022 10:00:00 +0100\" {{{message.Length}}}\r\n");
        Assert.Equal("+ Ready for literal data", await c.ReadLineAsync());
        await c.SendAsync(message + "\r\n");
        var reply = await c.ReadUntilTaggedAsync("a1");
        Assert.Matches(@"^a1 OK \[APPENDUID \d+ 1\] APPEND completed$", reply[^1]);
        await c.CommandAsync($"s EXAMINE {box}");
        var fetch = await c.CommandAsync("f FETCH 1 (FLAGS INTERNALDATE)");
        Assert.Equal("* 1 FETCH (INTERNALDATE \" 7-Feb-2022 10:00:00 +0100\" FLAGS (\\Seen $Work))", fetch[0]);
    }

    [Fact]
    public async Task Append_ToMissingMailbox_ReturnsTryCreate()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync(ImapTestMessages.AppendPlus("a1", "NoSuchBox", ImapTestMessages.Simple()));
        Assert.Equal("a1 NO [TRYCREATE] No such mailbox", (await c.ReadUntilTaggedAsync("a1"))[^1]);
    }

    [Fact]
    public async Task Append_ToSelectedMailbox_ReportsExists()
    {
        var box = ImapTranscript.Unique("A");
        await using var c = await ImapTranscript.MailboxWithAsync(host, box, ImapTestMessages.Simple());
        await c.SendAsync(ImapTestMessages.AppendPlus("a2", box, ImapTestMessages.Simple("two")));
        var reply = await c.ReadUntilTaggedAsync("a2");
        Assert.Contains("* 2 EXISTS", reply);
    }

    [Fact]
    public async Task Append_BeforeLogin_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 APPEND INBOX {3+}\r\nabc\r\n");
        Assert.Equal("a1 BAD Log in first", (await c.ReadUntilTaggedAsync("a1"))[^1]);
    }

    [Fact]
    public async Task Append_InvalidDate_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        await c.SendAsync("a1 APPEND INBOX \"31-Feb-2022 10:00:00 +0000\" {3+}\r\nabc\r\n");
        Assert.Equal("a1 BAD Invalid date-time", (await c.ReadUntilTaggedAsync("a1"))[^1]);
    }
}

/// <summary>MULTIAPPEND (RFC 3502): several messages in one APPEND, all or nothing.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MultiAppendCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task MultiAppend_TwoMessages_StoresBothWithUidSet()
    {
        var box = ImapTranscript.Unique("Ma");
        await using var c = await host.LoginAsync(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box);
        var first = ImapTestMessages.Simple("one");
        var second = ImapTestMessages.Simple("two");
        await c.SendAsync($"m1 APPEND {box} (\\Seen) {{{first.Length}+}}\r\n{first} \"01-Jan-2024 10:00:00 +0000\" {{{second.Length}+}}\r\n{second}\r\n");
        Assert.Matches(@"^m1 OK \[APPENDUID \d+ 1:2\] APPEND completed$", (await c.ReadUntilTaggedAsync("m1"))[^1]);
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 2 UNSEEN 1)", (await c.CommandAsync($"s2 STATUS {box} (MESSAGES UNSEEN)"))[0]);
    }

    [Fact]
    public async Task MultiAppend_SecondMessageFails_StoresNothing()
    {
        var box = ImapTranscript.Unique("Ma");
        await using var c = await host.LoginAsync(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice);
        await ImapTranscript.CreateWithAsync(c, box);
        var first = ImapTestMessages.Simple("one");
        await c.SendAsync($"m1 APPEND {box} {{{first.Length}+}}\r\n{first} {{0+}}\r\n\r\n");
        Assert.StartsWith("m1 NO", (await c.ReadUntilTaggedAsync("m1"))[^1], StringComparison.Ordinal);
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 0)", (await c.CommandAsync($"s STATUS {box} (MESSAGES)"))[0]);
    }
}

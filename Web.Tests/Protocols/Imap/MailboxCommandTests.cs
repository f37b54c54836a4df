using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>CREATE, DELETE, RENAME, STATUS, NAMESPACE transcripts.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class MailboxCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Create_Existing_ReturnsAlreadyExists()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var box = ImapTranscript.Unique("M");
        Assert.Matches(@"^a1 OK \[MAILBOXID \(F\d+\)\] CREATE completed$", Assert.Single(await c.CommandAsync($"a1 CREATE {box}/")));
        Assert.Equal(["a2 NO [ALREADYEXISTS] Mailbox already exists"], await c.CommandAsync($"a2 CREATE {box}"));
        Assert.Equal(["a3 NO [ALREADYEXISTS] INBOX already exists"], await c.CommandAsync("a3 CREATE inbox"));
    }

    [Fact]
    public async Task Delete_MissingAndInbox_ReturnNo()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["a1 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync("a1 DELETE NoSuchBox"));
        Assert.Equal(["a2 NO [CANNOT] INBOX cannot be deleted"], await c.CommandAsync("a2 DELETE INBOX"));
        var box = ImapTranscript.Unique("M");
        await c.CommandAsync($"c CREATE {box}");
        Assert.Equal(["a3 OK DELETE completed"], await c.CommandAsync($"a3 DELETE {box}"));
    }

    [Fact]
    public async Task Rename_MovesMailbox()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var from = ImapTranscript.Unique("M");
        var to = ImapTranscript.Unique("N");
        await ImapTranscript.CreateWithAsync(c, from, ImapTestMessages.Simple());
        Assert.Equal(["a1 OK RENAME completed"], await c.CommandAsync($"a1 RENAME {from} {to}"));
        Assert.Equal($"* STATUS \"{to}\" (MESSAGES 1)", (await c.CommandAsync($"a2 STATUS {to} (MESSAGES)"))[0]);
        Assert.Equal(["a3 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync($"a3 RENAME {from} x{to}"));
    }

    [Fact]
    public async Task Status_ReportsCounts()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var box = ImapTranscript.Unique("M");
        var m = ImapTestMessages.Simple();
        await ImapTranscript.CreateWithAsync(c, box, m, m);
        var reply = await c.CommandAsync($"a1 STATUS {box} (MESSAGES UIDNEXT UNSEEN DELETED SIZE RECENT)");
        Assert.Equal($"* STATUS \"{box}\" (MESSAGES 2 UIDNEXT 3 UNSEEN 2 DELETED 0 SIZE {2 * m.Length} RECENT 2)", reply[0]);
        Assert.Equal(["a2 NO [NONEXISTENT] No such mailbox"], await c.CommandAsync("a2 STATUS Nope (MESSAGES)"));
        Assert.StartsWith("a3 BAD", (await c.CommandAsync("a3 STATUS INBOX (BOGUS)"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespace_ReturnsPersonalNamespace()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL", "a1 OK NAMESPACE completed"], await c.CommandAsync("a1 NAMESPACE"));
    }
}

/// <summary>CREATE-SPECIAL-USE (RFC 6154 §3) and APPENDLIMIT (RFC 7889).</summary>
[Collection(ImapHostCollection.Name)]
public sealed class CreateSpecialUseAndAppendLimitTests(ImapHostFixture host)
{
    [Fact]
    public async Task CreateWithUse_ListsTheAttribute_UnknownUseIsUseAttr()
    {
        await using var c = await host.LoginAsync(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice);
        var box = ImapTranscript.Unique("Arch");
        Assert.Matches(@"^c1 OK \[MAILBOXID \(F\d+\)\] CREATE completed$", (await c.CommandAsync($"c1 CREATE {box} (USE (\\Archive))"))[^1]);
        Assert.Equal([$"* LIST (\\HasNoChildren \\Archive) \"/\" \"{box}\"", "l OK LIST completed"], await c.CommandAsync($"l LIST \"\" {box}"));
        Assert.Equal(["c2 NO [USEATTR] Unsupported special-use attribute"], await c.CommandAsync($"c2 CREATE {box}x (USE (\\Bogus))"));
        Assert.Equal(["c3 NO [USEATTR] Unsupported special-use attribute"], await c.CommandAsync($"c3 CREATE {box}y (USE (\\Sent \\Trash))"));
    }

    [Fact]
    public async Task AppendLimit_IsAdvertisedAndReportedByStatus()
    {
        await using var c = await host.LoginAsync(Mail.Web.Tests.Infrastructure.MailHostFixture.Alice);
        var caps = (await c.CommandAsync("a CAPABILITY"))[0];
        var limit = System.Text.RegularExpressions.Regex.Match(caps, @" APPENDLIMIT=(\d+)").Groups[1].Value;
        Assert.NotEmpty(limit);
        Assert.Equal($"* STATUS \"INBOX\" (APPENDLIMIT {limit})", (await c.CommandAsync("s STATUS INBOX (APPENDLIMIT)"))[0]);
    }
}

using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class ListCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task List_EmptyPattern_ReturnsDelimiter()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        Assert.Equal(["* LIST (\\Noselect) \"/\" \"\"", "a1 OK LIST completed"], await c.CommandAsync("a1 LIST \"\" \"\""));
    }

    [Fact]
    public async Task List_Star_ReturnsSpecialUseAndChildren()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var root = ImapTranscript.Unique("L");
        await c.CommandAsync($"c1 CREATE {root}/child");
        var reply = await c.CommandAsync("a1 LIST \"\" *");
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", reply);
        Assert.Contains("* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"", reply);
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", reply);
        Assert.Contains($"* LIST (\\HasChildren) \"/\" \"{root}\"", reply);
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" \"{root}/child\"", reply);
    }

    [Fact]
    public async Task List_Percent_StopsAtDelimiter()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var root = ImapTranscript.Unique("L");
        await c.CommandAsync($"c1 CREATE {root}/child/grandchild");
        Assert.Equal([$"* LIST (\\HasChildren) \"/\" \"{root}/child\"", "a1 OK LIST completed"], await c.CommandAsync($"a1 LIST {root}/ %"));
    }

    [Fact]
    public async Task List_NonAsciiName_UsesModifiedUtf7UnlessUtf8Enabled()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var root = ImapTranscript.Unique("L");
        await c.CommandAsync($"c1 CREATE {root}/Entw&APw-rfe");
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" \"{root}/Entw&APw-rfe\"", await c.CommandAsync($"a1 LIST \"\" {root}/*"));
        await c.CommandAsync("e ENABLE UTF8=ACCEPT");
        Assert.Contains($"* LIST (\\HasNoChildren) \"/\" \"{root}/Entw\u00fcrfe\"", await c.CommandAsync($"a2 LIST \"\" {root}/*"));
    }

    [Fact]
    public async Task List_SpecialUseSelection_ReturnsOnlySpecialMailboxes()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var reply = await c.CommandAsync("a1 LIST (SPECIAL-USE) \"\" *");
        Assert.Equal(6, reply.Count);
        Assert.DoesNotContain(reply, l => l.EndsWith("\"INBOX\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lsub_ReturnsSubscribedOnly()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var box = ImapTranscript.Unique("L");
        await c.CommandAsync($"c1 CREATE {box}");
        Assert.Equal(["a1 OK SUBSCRIBE completed"], await c.CommandAsync($"a1 SUBSCRIBE {box}"));
        Assert.Equal([$"* LSUB () \"/\" \"{box}\"", "a2 OK LSUB completed"], await c.CommandAsync($"a2 LSUB \"\" {box}"));
        Assert.Contains($"* LIST (\\HasNoChildren \\Subscribed) \"/\" \"{box}\"", await c.CommandAsync($"a3 LIST \"\" {box} RETURN (SUBSCRIBED)"));
        Assert.Equal(["a4 OK UNSUBSCRIBE completed"], await c.CommandAsync($"a4 UNSUBSCRIBE {box}"));
        Assert.Equal(["a5 OK LSUB completed"], await c.CommandAsync($"a5 LSUB \"\" {box}"));
    }

    [Fact]
    public async Task List_ReturnStatus_AddsStatusResponses()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        var reply = await c.CommandAsync("a1 LIST \"\" INBOX RETURN (STATUS (MESSAGES UIDNEXT))");
        Assert.Matches(@"^\* STATUS ""INBOX"" \(MESSAGES \d+ UIDNEXT \d+\)$", reply[1]);
    }

    [Fact]
    public async Task List_MissingPattern_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Bob);
        Assert.StartsWith("a1 BAD", (await c.CommandAsync("a1 LIST \"\""))[^1], StringComparison.Ordinal);
    }
}

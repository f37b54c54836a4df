using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>CAPABILITY, NOOP, LOGOUT, ID, ENABLE transcripts.</summary>
[Collection(ImapHostCollection.Name)]
public sealed class SessionCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Capability_AfterLogin_ListsExtensions()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var reply = await c.CommandAsync("a1 CAPABILITY");
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape("* CAPABILITY " + string.Join(' ', Mail.Protocols.Imap.Session.ImapCapabilities.AllAuthenticated)) + @" APPENDLIMIT=\d+$", reply[0]);
        Assert.StartsWith("* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH UTF8=ACCEPT STATUS=SIZE", reply[0], StringComparison.Ordinal);
        Assert.Equal("a1 OK CAPABILITY completed", reply[1]);
    }

    [Fact]
    public async Task Noop_AnyState_Ok()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["a1 OK NOOP completed"], await c.CommandAsync("a1 noop"));
    }

    [Fact]
    public async Task Logout_SendsByeAndCloses()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 LOGOUT\r\n");
        Assert.Equal("* BYE Logging out\r\na1 OK LOGOUT completed\r\n", await c.ReadToEndAsync());
    }

    [Fact]
    public async Task Id_ReturnsServerIdentification()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync("a1 ID (\"name\" \"test\" \"version\" \"1\")");
        Assert.StartsWith("* ID (\"name\" \"Mail\"", reply[0], StringComparison.Ordinal);
        Assert.Equal("a2 OK ID completed", (await c.CommandAsync("a2 ID NIL"))[^1]);
        Assert.StartsWith("a3 BAD", (await c.CommandAsync("a3 ID (\"odd\")"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_BeforeLogin_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["a1 BAD Log in first"], await c.CommandAsync("a1 ENABLE IMAP4rev2"));
    }

    [Fact]
    public async Task Enable_UnknownCapability_Ignored()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.Equal(["* ENABLED", "a1 OK ENABLE completed"], await c.CommandAsync("a1 ENABLE X-UNKNOWN"));
    }

    [Fact]
    public async Task UnknownCommand_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["a1 BAD Unknown command"], await c.CommandAsync("a1 FROBNICATE"));
    }
}

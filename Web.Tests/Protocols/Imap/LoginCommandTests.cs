using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class LoginCommandTests(ImapHostFixture host)
{
    [Fact]
    public async Task Greeting_AdvertisesCapabilitiesAndPlainAuthOnLoopback()
    {
        await using var c = await host.ConnectAsync();
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", c.Greeting, StringComparison.Ordinal);
        Assert.Contains("STARTTLS", c.Greeting, StringComparison.Ordinal);
        Assert.Contains("AUTH=PLAIN", c.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("LOGINDISABLED", c.Greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_ValidCredentials_ReturnsOkWithCapabilities()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync($"a1 LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}");
        Assert.StartsWith("a1 OK [CAPABILITY IMAP4rev1 IMAP4rev2", reply[^1], StringComparison.Ordinal);
        Assert.Contains("UIDPLUS", reply[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_QuotedAndLiteralArguments_Accepted()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync($"a1 LOGIN \"{MailHostFixture.Alice}\" {{8}}\r\n");
        Assert.StartsWith("+ ", await c.ReadLineAsync(), StringComparison.Ordinal);
        await c.SendAsync(MailHostFixture.Password + "\r\n");
        var reply = await c.ReadUntilTaggedAsync("a1");
        Assert.StartsWith("a1 OK", reply[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPassword_ReturnsNoAuthenticationFailed()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync($"a1 LOGIN {MailHostFixture.Alice} wrong");
        Assert.Equal("a1 NO [AUTHENTICATIONFAILED] Authentication failed", reply[^1]);
    }

    [Fact]
    public async Task Login_ThirdFailure_ClosesConnectionWithBye()
    {
        await using var c = await host.ConnectAsync();
        Assert.StartsWith("a1 NO", (await c.CommandAsync("a1 LOGIN nobody@example.com x"))[^1], StringComparison.Ordinal);
        Assert.StartsWith("a2 NO", (await c.CommandAsync("a2 LOGIN nobody@example.com x"))[^1], StringComparison.Ordinal);
        await c.SendAsync("a3 LOGIN nobody@example.com x\r\n");
        var rest = await c.ReadToEndAsync();
        Assert.Contains("* BYE Too many authentication failures", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WhenAuthenticated_ReturnsBad()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var reply = await c.CommandAsync($"a2 LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}");
        Assert.Equal("a2 BAD Command not valid in this state", reply[^1]);
    }

    [Fact]
    public async Task Login_MissingArguments_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync("a1 LOGIN alice");
        Assert.StartsWith("a1 BAD", reply[^1], StringComparison.Ordinal);
    }
}

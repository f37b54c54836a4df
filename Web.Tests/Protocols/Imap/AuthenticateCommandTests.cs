using System.Text;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Imap;

[Collection(ImapHostCollection.Name)]
public sealed class AuthenticateCommandTests(ImapHostFixture host)
{
    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [Fact]
    public async Task AuthenticatePlain_InitialResponse_LogsIn()
    {
        await using var c = await host.ConnectAsync();
        var reply = await c.CommandAsync($"a1 AUTHENTICATE PLAIN {Plain(MailHostFixture.Alice, MailHostFixture.Password)}");
        Assert.StartsWith("a1 OK [CAPABILITY ", reply[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticatePlain_Continuation_LogsIn()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendAsync(Plain(MailHostFixture.Bob, MailHostFixture.Password) + "\r\n");
        Assert.StartsWith("a1 OK", (await c.ReadUntilTaggedAsync("a1"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticatePlain_Cancelled_ReturnsBad()
    {
        await using var c = await host.ConnectAsync();
        await c.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
        await c.ReadLineAsync();
        await c.SendAsync("*\r\n");
        Assert.Equal("a1 BAD Authentication cancelled", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Authenticate_WrongPasswordOrMechanism_ReturnsNo()
    {
        await using var c = await host.ConnectAsync();
        Assert.Equal(["a1 NO [AUTHENTICATIONFAILED] Authentication failed"], await c.CommandAsync($"a1 AUTHENTICATE PLAIN {Plain(MailHostFixture.Alice, "bad")}"));
        Assert.Equal(["a2 NO Unsupported authentication mechanism"], await c.CommandAsync("a2 AUTHENTICATE CRAM-MD5"));
        Assert.Equal(["a3 BAD Invalid SASL response"], await c.CommandAsync("a3 AUTHENTICATE PLAIN !!!"));
    }
}

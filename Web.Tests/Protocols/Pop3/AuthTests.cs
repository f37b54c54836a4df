using System.Text;

namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class AuthTests : Pop3TestBase
{
    private static string Plain(string authz, string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{authz}\0{user}\0{password}"));

    [Fact]
    public async Task AuthPlain_InitialResponse_LogsIn()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN " + Plain("", "alice@example.com", "password"));
        Assert.StartsWith("+OK alice@example.com has 0 messages", await client.ReadLineAsync());
    }

    [Fact]
    public async Task AuthPlain_Continuation_LogsIn()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN");
        Assert.Equal("+ ", await client.ReadLineAsync());
        await client.SendLineAsync(Plain("alice@example.com", "alice@example.com", "password"));
        Assert.StartsWith("+OK alice@example.com", await client.ReadLineAsync());
    }

    [Fact]
    public async Task AuthPlain_Cancelled_ReturnsErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN");
        Assert.Equal("+ ", await client.ReadLineAsync());
        await client.SendLineAsync("*");
        Assert.Equal("-ERR authentication cancelled", await client.ReadLineAsync());
    }

    [Fact]
    public async Task AuthPlain_WrongPassword_ReturnsAuthErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN " + Plain("", "alice@example.com", "nope"));
        Assert.Equal("-ERR [AUTH] authentication failed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task AuthPlain_OtherAuthorizationIdentity_IsRefused()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH PLAIN " + Plain("bob@example.com", "alice@example.com", "password"));
        Assert.Equal("-ERR [AUTH] authentication failed", await client.ReadLineAsync());
    }

    [Theory]
    [InlineData("AUTH PLAIN =")]
    [InlineData("AUTH PLAIN not-base64!")]
    public async Task AuthPlain_Malformed_ReturnsErr(string line)
    {
        var client = await ConnectAsync();
        await client.SendLineAsync(line);
        Assert.Equal("-ERR invalid SASL response", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Auth_UnknownMechanism_ReturnsErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH CRAM-MD5");
        Assert.Equal("-ERR unsupported authentication mechanism", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Auth_WithoutMechanism_ListsPlain()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("AUTH");
        Assert.Equal("+OK supported SASL mechanisms", await client.ReadLineAsync());
        Assert.Equal(["PLAIN", "LOGIN"], await ReadMultiLineAsync(client));
    }
}

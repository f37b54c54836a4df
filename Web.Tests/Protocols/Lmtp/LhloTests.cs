using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Lmtp;

[Collection(MailHostCollection.Name)]
public sealed class LhloTests(MailHostFixture host) : LmtpTestBase(host)
{
    [Fact]
    public async Task Lhlo_ListsExtensions()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("LHLO mx.example.net");
        Assert.Equal(
            "250-mail.test\n250-PIPELINING\n250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250-SIZE 67108864\n250 SMTPUTF8",
            await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Lhlo_WithoutDomain_Returns501()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("LHLO");
        Assert.StartsWith("501 5.5.4 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HELO mx.example.net")]
    [InlineData("EHLO mx.example.net")]
    [InlineData("VRFY alice")]
    [InlineData("X")]
    public async Task SmtpOrUnknownVerb_Returns500(string line)
    {
        var client = await ConnectAsync();
        await client.SendLineAsync(line);
        Assert.Equal("500 5.5.1 command not recognized", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_BeforeLhlo_Returns503()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("503 5.5.1 bad sequence of commands: send LHLO first", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task CommandLine_OverLimit_Returns500AndSessionGoesOn()
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("NOOP " + new string('x', 3000));
        Assert.Equal("500 5.5.2 command line too long", await client.ReadReplyAsync());
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task NoopRsetQuit_Transcript()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        await client.SendLineAsync("RSET");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        await client.SendLineAsync("QUIT");
        Assert.Equal("221 2.0.0 mail.test closing connection", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }
}

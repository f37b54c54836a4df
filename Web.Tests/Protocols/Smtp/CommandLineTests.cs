namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class CommandLineTests : SmtpTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mail:SmtpIn:MaxCommandLineOctets"] = "512" };

    [Fact]
    public async Task CommandLine_AtLimit_IsParsed()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("HELO " + new string('x', 507));
        Assert.Equal("250 mx.test.example", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task CommandLine_OverLimit_Returns500AndSessionContinues()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("HELO " + new string('x', 508));
        Assert.Equal("500 5.5.2 Error: command line too long", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO c.example");
        Assert.StartsWith("250-mx.test.example", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task CommandLine_HugeWithoutEnd_Returns500WhenLineEnds()
    {
        var client = await ConnectAsync();
        for (var i = 0; i < 100; i++)
        {
            await client.SendAsync(new string('y', 10_000));
        }
        await client.SendAsync("\r\nNOOP\r\n");
        Assert.Equal("500 5.5.2 Error: command line too long", await client.ReadReplyAsync());
        Assert.Equal("250 2.0.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task CommandLine_BareLineFeed_Returns500()
    {
        var client = await ConnectAsync();
        await client.SendAsync("NOOP\n");
        Assert.Equal("500 5.5.2 Error: bare <LF> received", await client.ReadReplyAsync());
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Auth_IsNotOffered_Returns502()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("AUTH PLAIN AGFsaWNlAHBhc3N3b3Jk");
        Assert.Equal("502 5.5.1 Error: command not implemented", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Proxy_FromClient_Returns502()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("PROXY TCP4 1.2.3.4 5.6.7.8 1111 25");
        Assert.Equal("502 5.5.1 Error: command not implemented", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Quit_Returns221AndCloses()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("QUIT");
        Assert.Equal("221 2.0.0 bye", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Rset_ClearsTransaction()
    {
        var client = await ReadyForDataAsync();
        await client.SendLineAsync("RSET");
        Assert.Equal("250 2.0.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }
}

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class EhloTests : SmtpTestBase
{
    [Fact]
    public async Task Ehlo_ListsImplementedExtensions()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO client.example");
        var reply = await client.ReadReplyAsync();
        Assert.Equal(
            "250-mx.test.example\n250-PIPELINING\n250-SIZE 67108864\n250-STARTTLS\n250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250 SMTPUTF8",
            reply);
    }

    [Fact]
    public async Task Helo_Returns250WithoutExtensions()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("HELO client.example");
        Assert.Equal("250 mx.test.example", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Ehlo_WithoutDomain_Returns500()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO");
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task UnknownCommand_Returns500()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("FOOBAR baz");
        Assert.Equal("500 5.5.2 Error: command not recognized", await client.ReadReplyAsync());
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Garbage_IsRefusedAndSessionStaysUsable()
    {
        var client = await ConnectAsync();
        await client.SendAsync(new byte[] { 0x00, 0xff, 0xfe, 0x13, 0x10, (byte)'\r', (byte)'\n' });
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250-mx.test.example", await client.ReadReplyAsync());
    }
}

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class MailTests : SmtpTestBase
{
    [Fact]
    public async Task Mail_BeforeEhlo_Returns503()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.StartsWith("503 5.5.1 Error: bad sequence of commands", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_NullSender_Accepted()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_SizeOverLimit_Returns552()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example> SIZE=67108865");
        Assert.StartsWith("552 5.3.4", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<a@remote.example> SIZE=1000 BODY=8BITMIME");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Mail_WithoutFrom_Returns500()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL <a@remote.example>");
        Assert.StartsWith("500 5.5.2", await client.ReadReplyAsync());
    }
}

using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Lmtp;

[Collection(MailHostCollection.Name)]
public sealed class MailRcptTests(MailHostFixture host) : LmtpTestBase(host)
{
    [Theory]
    [InlineData("MAIL FROM:<sender@remote.example>")]
    [InlineData("MAIL FROM:<>")]
    [InlineData("MAIL FROM: <sender@remote.example> SIZE=1000 BODY=8BITMIME")]
    [InlineData("mail from:<sender@remote.example> BODY=7BIT SMTPUTF8")]
    public async Task Mail_Valid_Returns250(string line)
    {
        var client = await GreetedAsync();
        await client.SendLineAsync(line);
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
    }

    [Theory]
    [InlineData("MAIL sender@remote.example", "501 5.5.4 ")]
    [InlineData("MAIL FROM:<sender>", "501 5.5.4 ")]
    [InlineData("MAIL FROM:<a@remote.example> BODY=BINARYMIME", "501 5.5.4 invalid BODY")]
    [InlineData("MAIL FROM:<a@remote.example> SIZE=x", "501 5.5.4 invalid SIZE")]
    [InlineData("MAIL FROM:<a@remote.example> AUTH=<>", "555 5.5.4 unsupported parameter AUTH")]
    [InlineData("MAIL FROM:<a@remote.example> SIZE=67108865", "552 5.3.4 ")]
    [InlineData("MAIL FROM:<jörg@remote.example>", "553 5.6.7 ")]
    public async Task Mail_Invalid_IsRefused(string line, string expected)
    {
        var client = await GreetedAsync();
        await client.SendLineAsync(line);
        Assert.StartsWith(expected, await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("503 5.5.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_Twice_Returns503()
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("503 5.5.1 bad sequence of commands: MAIL not valid now", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_BeforeMail_Returns503()
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("503 5.5.1 bad sequence of commands: RCPT not valid now", await client.ReadReplyAsync());
    }

    [Theory]
    [InlineData("RCPT TO:<alice@example.com>", "250 2.1.5 <alice@example.com> recipient OK")]
    [InlineData("RCPT TO:<Alice+tag@Example.com>", "250 2.1.5 <Alice+tag@Example.com> recipient OK")]
    [InlineData("RCPT TO:<nobody@example.com>", "550 5.1.1 <nobody@example.com>: no such user")]
    [InlineData("RCPT TO:<someone@remote.example>", "550 5.7.1 <someone@remote.example>: not a local mailbox, LMTP does not relay")]
    [InlineData("RCPT TO:<>", "501 5.5.4 syntax: RCPT TO:<address>")]
    [InlineData("RCPT alice@example.com", "501 5.5.4 syntax: RCPT TO:<address>")]
    [InlineData("RCPT TO:<alice@example.com> NOTIFY=NEVER", "555 5.5.4 unsupported parameter NOTIFY")]
    public async Task Rcpt_Replies(string line, string expected)
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        await client.SendLineAsync(line);
        Assert.Equal(expected, await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_WithoutAcceptedRecipient_Returns503()
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("DATA");
        Assert.StartsWith("503 5.5.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<nobody@example.com>");
        Assert.StartsWith("550 5.1.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("DATA");
        Assert.Equal("503 5.5.1 bad sequence of commands: DATA not valid now", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rset_DropsTransaction()
    {
        var client = await GreetedAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("RSET");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        Assert.StartsWith("503 5.5.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
    }
}

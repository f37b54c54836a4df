namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class RcptTests : SmtpTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mail:SmtpIn:MaxRecipients"] = "3" };

    private async Task<WireClient> AfterMailAsync()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        return client;
    }

    [Fact]
    public async Task Rcpt_BeforeMail_Returns503()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_LocalUser_Returns250()
    {
        var client = await AfterMailAsync();
        await client.SendLineAsync("RCPT TO:<Alice@EXAMPLE.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_PlusAddressAndAlias_Return250()
    {
        var client = await AfterMailAsync();
        await client.SendLineAsync("RCPT TO:<bob+lists@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<team@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_UnknownUser_Returns550()
    {
        var client = await AfterMailAsync();
        await client.SendLineAsync("RCPT TO:<nobody@example.com>");
        Assert.Equal("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_RemoteDomain_Returns554RelayDenied()
    {
        var client = await AfterMailAsync();
        await client.SendLineAsync("RCPT TO:<victim@elsewhere.example>");
        Assert.Equal("554 5.7.1 <victim@elsewhere.example>: Relay access denied", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_DirectoryUnavailable_Returns451()
    {
        var client = await AfterMailAsync();
        await client.SendLineAsync("RCPT TO:<x@broken.example>");
        Assert.Equal("451 4.4.3 <x@broken.example>: Directory server unavailable, try again later", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_OverRecipientLimit_Returns452()
    {
        var client = await AfterMailAsync();
        for (var i = 0; i < 3; i++)
        {
            await client.SendLineAsync($"RCPT TO:<alice+{i}@example.com>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        }
        await client.SendLineAsync("RCPT TO:<bob@example.com>");
        Assert.Equal("452 4.5.3 Error: too many recipients", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Rcpt_ManyErrors_ClosesWith421()
    {
        var client = await AfterMailAsync();
        string reply = "";
        for (var i = 0; i < 25 && !reply.StartsWith("421", StringComparison.Ordinal); i++)
        {
            await client.SendLineAsync($"RCPT TO:<nobody{i}@example.com>");
            reply = await client.ReadReplyAsync();
        }
        Assert.Equal("421 4.7.0 mx.test.example Error: too many errors", reply);
        Assert.True(await client.IsClosedAsync());
    }
}

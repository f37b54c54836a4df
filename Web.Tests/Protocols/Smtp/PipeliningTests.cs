using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class PipeliningTests : SmtpTestBase
{
    [Fact]
    public async Task Pipelining_WholeTransactionInOneWrite_RepliesInOrder()
    {
        var client = await ConnectAsync();
        await client.SendAsync("EHLO c.example\r\nMAIL FROM:<a@remote.example>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        Assert.StartsWith("250-mx.test.example", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        Assert.StartsWith("550 5.1.1", await client.ReadReplyAsync());
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync("Subject: p\r\n\r\npipelined\r\n.\r\nQUIT\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync());
        Assert.Equal("221 2.0.0 bye", await client.ReadReplyAsync());
        Assert.Equal(Encoding.ASCII.GetBytes("Subject: p\r\n\r\npipelined\r\n"), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }
}

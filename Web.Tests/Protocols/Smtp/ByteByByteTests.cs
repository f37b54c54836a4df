using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class ByteByByteTests : SmtpTestBase
{
    [Fact]
    public async Task Data_SentOneOctetPerWrite_StoredExact()
    {
        var client = await ReadyForDataAsync();
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        const string message = "..first\r\nSubject: slow\r\n\r\n..\r\n...\r\nend\r\n";
        foreach (var b in Encoding.ASCII.GetBytes(message + ".\r\n"))
        {
            await client.SendAsync([b]);
        }
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync());
        Assert.Equal(Encoding.ASCII.GetBytes(".first\r\nSubject: slow\r\n\r\n.\r\n..\r\nend\r\n"), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }
}

using Mail.Web.Tests.Infrastructure;
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

    [Fact]
    public async Task Data_LargeCorpusMessagesWithFinalDotInSeparateWrite_Reply250AndStoreExact()
    {
        // MailKit writes the final ".CRLF" on its own. SmtpServer's own CRLF.CRLF search missed a
        // terminator split between its reads for large messages (roundcube__tnef3.eml hung every time).
        var messages = CorpusMessages.All.Where(m => m.Bytes.Length > 64 * 1024).ToList();
        Assert.NotEmpty(messages);
        var client = await ReadyForDataAsync();
        for (var i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                await client.SendLineAsync("MAIL FROM:<sender@example.net>");
                Assert.StartsWith("250", await client.ReadReplyAsync());
                await client.SendLineAsync("RCPT TO:<alice@example.com>");
                Assert.StartsWith("250", await client.ReadReplyAsync());
            }
            await client.SendLineAsync("DATA");
            Assert.StartsWith("354", await client.ReadReplyAsync());
            await client.SendAsync(DotStuff(messages[i].Bytes));
            // Let the server read the message on its own first, so the terminator is split between reads.
            await Task.Delay(100);
            await client.SendAsync(".\r\n"u8.ToArray());
            Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync());
            Assert.Equal(messages[i].Bytes, WithoutTrace((await Host.InboxAsync("alice@example.com"))[i]));
        }
    }

    private static byte[] DotStuff(byte[] message)
    {
        var output = new List<byte>(message.Length + 16);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                output.Add((byte)'.');
            }
            output.Add(b);
            lineStart = b == (byte)'\n';
        }
        return [.. output];
    }
}

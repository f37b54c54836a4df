using System.Text;

namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class RetrTests : Pop3TestBase
{
    [Fact]
    public async Task Retr_SendsExactOctetsDotStuffed()
    {
        var message = Encoding.UTF8.GetBytes("Subject: dots\r\n\r\n.starts with dot\r\n..two\r\n.\r\nGrüße\r\nend\r\n");
        await DeliverAsync(message);
        var client = await LoginAsync();
        await client.SendLineAsync("RETR 1");
        Assert.Equal($"+OK {message.Length} octets", await client.ReadLineAsync());
        var stuffed = "Subject: dots\r\n\r\n..starts with dot\r\n...two\r\n..\r\nGrüße\r\nend\r\n.\r\n"u8.ToArray();
        Assert.Equal(Encoding.UTF8.GetBytes("Subject: dots\r\n\r\n..starts with dot\r\n...two\r\n..\r\nGrüße\r\nend\r\n.\r\n"), await client.ReadBytesAsync(stuffed.Length));
    }

    [Fact]
    public async Task Retr_MessageWithoutFinalCrlf_GetsOneBeforeTerminator()
    {
        await DeliverAsync("Subject: x\r\n\r\nno final newline");
        var client = await LoginAsync();
        await client.SendLineAsync("RETR 1");
        await client.ReadLineAsync();
        Assert.Equal(["Subject: x", "", "no final newline"], await ReadMultiLineAsync(client));
    }

    [Fact]
    public async Task Retr_LargeMessage_RoundTrips()
    {
        var text = new StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; text.Length < 500_000; i++)
        {
            text.Append(i % 7 == 0 ? "." : "").Append("line ").Append(i).Append("\r\n");
        }
        var message = Encoding.ASCII.GetBytes(text.ToString());
        await DeliverAsync(message);
        var client = await LoginAsync();
        await client.SendLineAsync("RETR 1");
        await client.ReadLineAsync();
        var lines = await ReadMultiLineAsync(client);
        var unstuffed = string.Concat(lines.Select(l => (l.StartsWith('.') ? l[1..] : l) + "\r\n"));
        Assert.Equal(message, Encoding.ASCII.GetBytes(unstuffed));
    }

    [Theory]
    [InlineData("RETR 2", "-ERR no such message")]
    [InlineData("RETR 0", "-ERR no such message")]
    [InlineData("RETR x", "-ERR invalid message number")]
    [InlineData("RETR", "-ERR usage: RETR msg")]
    public async Task Retr_BadArgument_ReturnsErr(string command, string reply)
    {
        await DeliverAsync("Subject: x\r\n\r\nx\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync(command);
        Assert.Equal(reply, await client.ReadLineAsync());
    }

    [Fact]
    public async Task Retr_DeletedMessage_ReturnsErr()
    {
        await DeliverAsync("Subject: x\r\n\r\nx\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync("DELE 1");
        Assert.Equal("+OK message 1 deleted", await client.ReadLineAsync());
        await client.SendLineAsync("RETR 1");
        Assert.Equal("-ERR message 1 already deleted", await client.ReadLineAsync());
    }
}

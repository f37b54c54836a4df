namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class CapaTests : Pop3TestBase
{
    [Fact]
    public async Task Capa_BeforeLogin_ListsCapabilities()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("CAPA");
        Assert.Equal("+OK capability list follows", await client.ReadLineAsync());
        Assert.Equal(["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UTF8 USER", "USER", "SASL PLAIN LOGIN", "STLS", "IMPLEMENTATION Mail"], await ReadMultiLineAsync(client));
    }

    [Fact]
    public async Task Capa_InTransaction_OmitsLoginCapabilities()
    {
        var client = await LoginAsync();
        await client.SendLineAsync("capa");
        Assert.Equal("+OK capability list follows", await client.ReadLineAsync());
        Assert.Equal(["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UTF8 USER", "IMPLEMENTATION Mail"], await ReadMultiLineAsync(client));
    }

    [Fact]
    public async Task UnknownCommand_ReturnsErr()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("XYZZY");
        Assert.Equal("-ERR unknown command", await client.ReadLineAsync());
        await client.SendAsync(new byte[] { 0x01, 0xff, 0x20, 0x41, 0x0d, 0x0a });
        Assert.Equal("-ERR unknown command", await client.ReadLineAsync());
    }

    [Fact]
    public async Task TransactionCommand_BeforeLogin_ReturnsErr()
    {
        var client = await ConnectAsync();
        foreach (var command in new[] { "STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0", "UIDL" })
        {
            await client.SendLineAsync(command);
            Assert.Equal($"-ERR {command.Split(' ')[0]} not valid in this state", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task LoginCommand_InTransaction_ReturnsErr()
    {
        var client = await LoginAsync();
        await client.SendLineAsync("USER bob@example.com");
        Assert.Equal("-ERR USER not valid in this state", await client.ReadLineAsync());
        await client.SendLineAsync("STLS");
        Assert.Equal("-ERR STLS not valid in this state", await client.ReadLineAsync());
    }

    [Fact]
    public async Task LineOverLimit_ReturnsErrAndSessionContinues()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("USER " + new string('a', 300));
        Assert.Equal("-ERR line too long", await client.ReadLineAsync());
        await client.SendLineAsync("USER " + new string('a', 248));
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        await client.SendLineAsync("CAPA");
        Assert.Equal("+OK capability list follows", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Pipelining_SeveralCommandsInOneWrite_RepliesInOrder()
    {
        await DeliverAsync("Subject: a\r\n\r\na\r\n");
        var client = await ConnectAsync();
        await client.SendAsync("USER alice@example.com\r\nPASS password\r\nSTAT\r\nNOOP\r\nQUIT\r\n");
        Assert.Equal("+OK send PASS", await client.ReadLineAsync());
        Assert.StartsWith("+OK alice@example.com has 1 messages", await client.ReadLineAsync());
        Assert.StartsWith("+OK 1 ", await client.ReadLineAsync());
        Assert.Equal("+OK", await client.ReadLineAsync());
        Assert.StartsWith("+OK bye", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }
}

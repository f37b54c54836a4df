namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class TopTests : Pop3TestBase
{
    private const string Message = "Subject: top\r\nFrom: a@b.example\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n";

    [Fact]
    public async Task Top_Zero_ReturnsHeaderAndBlankLine()
    {
        await DeliverAsync(Message);
        var client = await LoginAsync();
        await client.SendLineAsync("TOP 1 0");
        Assert.Equal("+OK top of message follows", await client.ReadLineAsync());
        Assert.Equal(["Subject: top", "From: a@b.example", ""], await ReadMultiLineAsync(client));
    }

    [Fact]
    public async Task Top_Two_ReturnsTwoBodyLinesDotStuffed()
    {
        await DeliverAsync(Message);
        var client = await LoginAsync();
        await client.SendLineAsync("TOP 1 2");
        await client.ReadLineAsync();
        Assert.Equal(["Subject: top", "From: a@b.example", "", "line 1", "..line 2"], await ReadMultiLineAsync(client));
    }

    [Fact]
    public async Task Top_MoreLinesThanBody_ReturnsWholeMessage()
    {
        await DeliverAsync(Message);
        var client = await LoginAsync();
        await client.SendLineAsync("TOP 1 100");
        await client.ReadLineAsync();
        Assert.Equal(["Subject: top", "From: a@b.example", "", "line 1", "..line 2", "line 3"], await ReadMultiLineAsync(client));
    }

    [Theory]
    [InlineData("TOP 1")]
    [InlineData("TOP 1 -1")]
    public async Task Top_BadArguments_ReturnsErr(string command)
    {
        await DeliverAsync(Message);
        var client = await LoginAsync();
        await client.SendLineAsync(command);
        Assert.Equal("-ERR usage: TOP msg n", await client.ReadLineAsync());
    }
}

namespace Mail.Web.Tests.Protocols.Pop3;

/// <summary>RFC 1939 §8 exclusive-access lock on the maildrop, RFC 2449 <c>[IN-USE]</c>.</summary>
public sealed class MaildropLockTests : Pop3TestBase
{
    private async Task<string?> SecondLoginAsync(string user = "alice@example.com")
    {
        var second = await ConnectAsync();
        await second.SendLineAsync("USER " + user);
        Assert.Equal("+OK send PASS", await second.ReadLineAsync());
        await second.SendLineAsync("PASS password");
        return await second.ReadLineAsync();
    }

    [Fact]
    public async Task SecondLogin_WhileLocked_ReturnsInUse_AndStaysInAuthorization()
    {
        await LoginAsync();
        var second = await ConnectAsync();
        await second.SendLineAsync("USER alice@example.com");
        Assert.Equal("+OK send PASS", await second.ReadLineAsync());
        await second.SendLineAsync("PASS password");
        Assert.Equal("-ERR [IN-USE] maildrop already locked", await second.ReadLineAsync());
        await second.SendLineAsync("STAT");
        Assert.Equal("-ERR STAT not valid in this state", await second.ReadLineAsync());
    }

    [Fact]
    public async Task SecondLogin_ViaAuthPlain_WhileLocked_ReturnsInUse()
    {
        await LoginAsync();
        var second = await ConnectAsync();
        await second.SendLineAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice@example.com\0password"u8.ToArray()));
        Assert.Equal("-ERR [IN-USE] maildrop already locked", await second.ReadLineAsync());
    }

    [Fact]
    public async Task OtherUser_IsNotLocked()
    {
        await LoginAsync();
        Assert.StartsWith("+OK bob@example.com has ", await SecondLoginAsync("bob@example.com"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_ReleasedAtQuit()
    {
        var first = await LoginAsync();
        await first.SendLineAsync("QUIT");
        Assert.StartsWith("+OK bye", await first.ReadLineAsync(), StringComparison.Ordinal);
        Assert.StartsWith("+OK alice@example.com has ", await SecondLoginAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_ReleasedAtDisconnect()
    {
        var first = await LoginAsync();
        await first.DisposeAsync();
        // The server notices the close asynchronously: poll with a deadline.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? reply;
        while ((reply = await SecondLoginAsync()) == "-ERR [IN-USE] maildrop already locked" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.StartsWith("+OK alice@example.com has ", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapaStillListsRespCodes()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("CAPA");
        Assert.StartsWith("+OK", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Contains("RESP-CODES", await ReadMultiLineAsync(client));
    }
}

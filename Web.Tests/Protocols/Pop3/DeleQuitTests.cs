namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class DeleQuitTests : Pop3TestBase
{
    [Fact]
    public async Task Dele_ThenQuit_RemovesFromStore()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        await DeliverAsync("Subject: 2\r\n\r\ntwo\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync("DELE 1");
        Assert.Equal("+OK message 1 deleted", await client.ReadLineAsync());
        Assert.Equal(2, (await Host.InboxAsync("alice@example.com")).Count);
        await client.SendLineAsync("QUIT");
        Assert.Equal("+OK bye (1 messages deleted)", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
        var left = await Host.InboxAsync("alice@example.com");
        Assert.Single(left);
        Assert.Contains("Subject: 2"u8.ToArray(), left.Select(m => m[..10]));
    }

    [Fact]
    public async Task Dele_ThenDroppedConnection_DeletesNothing()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync("DELE 1");
        await client.ReadLineAsync();
        await client.DisposeAsync();
        // Another login sees the message: the dropped session never reached UPDATE.
        var again = await LoginAsync();
        await again.SendLineAsync("STAT");
        Assert.StartsWith("+OK 1 ", await again.ReadLineAsync());
        Assert.Single(await Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Rset_UnmarksDeleted()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync("DELE 1");
        await client.ReadLineAsync();
        await client.SendLineAsync("RSET");
        Assert.Equal("+OK maildrop has 1 messages (19 octets)", await client.ReadLineAsync());
        await client.SendLineAsync("QUIT");
        Assert.Equal("+OK bye (0 messages deleted)", await client.ReadLineAsync());
        Assert.Single(await Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Maildrop_IsSnapshotAtLogin()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        var client = await LoginAsync();
        await DeliverAsync("Subject: 2\r\n\r\ntwo\r\n");
        await client.SendLineAsync("STAT");
        Assert.Equal("+OK 1 19", await client.ReadLineAsync());
        await client.SendLineAsync("RETR 2");
        Assert.Equal("-ERR no such message", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Dele_Twice_ReturnsErr()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        var client = await LoginAsync();
        await client.SendLineAsync("DELE 1");
        await client.ReadLineAsync();
        await client.SendLineAsync("DELE 1");
        Assert.Equal("-ERR message 1 already deleted", await client.ReadLineAsync());
    }
}

public sealed class Pop3TimeoutTests : Pop3TestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mail:Pop3:IdleTimeoutSeconds"] = "1" };

    [Fact]
    public async Task IdleClient_IsLoggedOut()
    {
        var client = await ConnectAsync();
        Assert.Equal("-ERR autologout: idle timeout", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync());
    }
}

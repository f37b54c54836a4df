using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Pop3;

public sealed class StatListUidlTests : Pop3TestBase
{
    private async Task<WireClient> WithTwoMessagesAsync()
    {
        await DeliverAsync("Subject: 1\r\n\r\none\r\n");
        await DeliverAsync("Subject: 2\r\n\r\ntwo two\r\n");
        return await LoginAsync();
    }

    [Fact]
    public async Task Stat_CountsAndOctets()
    {
        var client = await WithTwoMessagesAsync();
        await client.SendLineAsync("STAT");
        Assert.Equal("+OK 2 42", await client.ReadLineAsync());
        await client.SendLineAsync("DELE 1");
        await client.ReadLineAsync();
        await client.SendLineAsync("STAT");
        Assert.Equal("+OK 1 23", await client.ReadLineAsync());
    }

    [Fact]
    public async Task List_AllAndOne_SkipsDeleted()
    {
        var client = await WithTwoMessagesAsync();
        await client.SendLineAsync("LIST");
        Assert.Equal("+OK 2 messages (42 octets)", await client.ReadLineAsync());
        Assert.Equal(["1 19", "2 23"], await ReadMultiLineAsync(client));
        await client.SendLineAsync("LIST 2");
        Assert.Equal("+OK 2 23", await client.ReadLineAsync());
        await client.SendLineAsync("DELE 2");
        await client.ReadLineAsync();
        await client.SendLineAsync("LIST");
        await client.ReadLineAsync();
        Assert.Equal(["1 19"], await ReadMultiLineAsync(client));
        await client.SendLineAsync("LIST 2");
        Assert.Equal("-ERR message 2 already deleted", await client.ReadLineAsync());
        await client.SendLineAsync("LIST 3");
        Assert.Equal("-ERR no such message", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Uidl_IsStableAcrossSessionsAndDeletions()
    {
        var client = await WithTwoMessagesAsync();
        await client.SendLineAsync("UIDL");
        Assert.Equal("+OK unique-id listing follows", await client.ReadLineAsync());
        var first = await ReadMultiLineAsync(client);
        Assert.Equal(2, first.Count);
        Assert.Matches(@"^1 \d+\.\d+$", first[0]);
        await client.SendLineAsync("DELE 1");
        await client.ReadLineAsync();
        await client.SendLineAsync("QUIT");
        Assert.Equal("+OK bye (1 messages deleted)", await client.ReadLineAsync());

        await DeliverAsync("Subject: 3\r\n\r\nthree\r\n");
        var again = await LoginAsync();
        await again.SendLineAsync("UIDL 1");
        Assert.Equal("+OK 1 " + first[1].Split(' ')[1], await again.ReadLineAsync());
        await again.SendLineAsync("UIDL");
        await again.ReadLineAsync();
        var second = await ReadMultiLineAsync(again);
        Assert.Equal(2, second.Count);
        Assert.NotEqual(first[0].Split(' ')[1], second[1].Split(' ')[1]);
    }

    [Fact]
    public async Task Noop_ReturnsOk()
    {
        var client = await LoginAsync();
        await client.SendLineAsync("NOOP");
        Assert.Equal("+OK", await client.ReadLineAsync());
    }
}

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class TimeoutTests : SmtpTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mail:SmtpIn:IdleTimeoutSeconds"] = "1" };

    [Fact]
    public async Task IdleClient_Gets421AndIsDisconnected()
    {
        var client = await ConnectAsync();
        Assert.Equal("421 4.4.2 mx.test.example Error: timeout exceeded", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task IdleInsideData_Gets421AndNothingStored()
    {
        var client = await ReadyForDataAsync();
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync("Subject: stalled\r\n\r\npartial");
        Assert.Equal("421 4.4.2 mx.test.example Error: timeout exceeded", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(await Host.InboxAsync("alice@example.com"));
    }
}

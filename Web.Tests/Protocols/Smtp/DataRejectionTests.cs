using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

/// <summary>DATA the guard refuses: nothing is stored, the reply is precise, the session stays in sync.</summary>
public sealed class DataRejectionTests : SmtpTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mail:SmtpIn:MaxLineOctets"] = "4096",
        ["Mail:SmtpIn:MaxMessageOctets"] = "100000",
    };

    private async Task AssertNothingStoredAndSessionUsableAsync(WireClient client)
    {
        Assert.Empty(await Host.InboxAsync("alice@example.com"));
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        Assert.StartsWith("250", await SendDataAsync(client, "Subject: ok\r\n\r\nfine\r\n.\r\n"));
        Assert.Single(await Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Data_BareLineFeed_Returns554AndStoresNothing()
    {
        var client = await ReadyForDataAsync();
        Assert.Equal("554 5.6.0 Error: bare <LF> received in message data", await SendDataAsync(client, "Subject: x\r\n\r\nline\nother\r\n.\r\n"));
        await AssertNothingStoredAndSessionUsableAsync(client);
    }

    [Fact]
    public async Task Data_BareCarriageReturn_Returns554AndStoresNothing()
    {
        var client = await ReadyForDataAsync();
        Assert.Equal("554 5.6.0 Error: bare <CR> received in message data", await SendDataAsync(client, "Subject: x\r\n\r\nline\rother\r\n.\r\n"));
        await AssertNothingStoredAndSessionUsableAsync(client);
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r\n.\n")]
    [InlineData("\r.\r\n")]
    [InlineData("\r.\n")]
    public async Task Data_SmugglingEndOfData_DoesNotEndDataAndIsRefused(string fakeEnd)
    {
        var client = await ReadyForDataAsync();
        // Classic SMTP smuggling: a non-standard end of data followed by a second transaction.
        var wire = "Subject: first\r\n\r\nhello" + fakeEnd +
                   "MAIL FROM:<admin@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n";
        Assert.StartsWith("554 5.6.0", await SendDataAsync(client, wire));
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 Ok", await client.ReadReplyAsync());
        await AssertNothingStoredAndSessionUsableAsync(client);
    }

    [Fact]
    public async Task Data_LineAtLimit_Accepted()
    {
        var client = await ReadyForDataAsync();
        var message = "Subject: x\r\n\r\n" + new string('b', 4096) + "\r\n";
        Assert.StartsWith("250", await SendDataAsync(client, message + ".\r\n"));
        Assert.Equal(Encoding.ASCII.GetBytes(message), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }

    [Fact]
    public async Task Data_LineOverLimit_Returns552AndStoresNothing()
    {
        var client = await ReadyForDataAsync();
        var reply = await SendDataAsync(client, "Subject: x\r\n\r\n" + new string('b', 4097) + "\r\n.\r\n");
        Assert.Equal("552 5.3.4 Error: message line longer than 4096 octets", reply);
        await AssertNothingStoredAndSessionUsableAsync(client);
    }

    [Fact]
    public async Task Data_OverMessageSize_Returns552AndStoresNothing()
    {
        var client = await ReadyForDataAsync();
        var body = string.Concat(Enumerable.Repeat(new string('c', 70) + "\r\n", 2000));
        Assert.Equal("552 5.3.4 Error: message size exceeds fixed limit", await SendDataAsync(client, "Subject: x\r\n\r\n" + body + ".\r\n"));
        await AssertNothingStoredAndSessionUsableAsync(client);
    }

    [Fact]
    public async Task Data_RejectedAfterDotLine_StaysInSync()
    {
        var client = await ReadyForDataAsync();
        // The refused octet comes right after a line that is just "." in the middle of a line sequence.
        Assert.StartsWith("554 5.6.0", await SendDataAsync(client, "a\r\n.x\r\n.\rz\r\n.\r\n"));
        await AssertNothingStoredAndSessionUsableAsync(client);
    }
}

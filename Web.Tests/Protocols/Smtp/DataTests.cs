using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp;

public sealed class DataTests : SmtpTestBase
{
    private const string Message = "From: sender@remote.example\r\nTo: alice@example.com\r\nSubject: hello\r\n\r\nbody line 1\r\nbody line 2\r\n";

    [Fact]
    public async Task Data_BeforeRcpt_Returns503()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("DATA");
        Assert.StartsWith("503 5.5.1", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Data_Delivered_IsInStoreWhen250Arrives()
    {
        var client = await ReadyForDataAsync();
        var reply = await SendDataAsync(client, Message + ".\r\n");
        Assert.Matches("^250 2.0.0 Ok: queued as [0-9A-Z]{12}$", reply);
        // No waiting: a 250 means the message is durable and visible.
        var inbox = await Host.InboxAsync("alice@example.com");
        Assert.Single(inbox);
        Assert.Equal(Encoding.ASCII.GetBytes(Message), WithoutTrace(inbox[0]));
    }

    [Fact]
    public async Task Data_TraceFields_ReturnPathAndReceived()
    {
        var client = await ReadyForDataAsync("Alice+tag@example.com");
        await SendDataAsync(client, Message + ".\r\n");
        var stored = Encoding.ASCII.GetString((await Host.InboxAsync("alice@example.com"))[0]);
        Assert.Matches(
            "^Return-Path: <sender@remote.example>\r\n" +
            // The scan stage's fields (no scanner configured here), see Protocols/Filtering.
            "X-Mail-Scan: id=[0-9A-Z]{12}\r\n" +
            "Authentication-Results: mx.test.example; none\r\n" +
            "Received: from client.example \\(\\[127.0.0.1\\]\\)\r\n" +
            "\tby mx.test.example with ESMTP id [0-9A-Z]{12}\r\n" +
            "\tfor <Alice\\+tag@example.com>; [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n" +
            "From: sender@remote.example\r\n",
            stored);
    }

    [Fact]
    public async Task Data_DotStuffing_IsRemovedIncludingFirstLine()
    {
        var client = await ReadyForDataAsync();
        var reply = await SendDataAsync(client, "..first\r\nX: y\r\n\r\n..\r\n...two\r\n.\r\n");
        Assert.StartsWith("250", reply);
        Assert.Equal(Encoding.ASCII.GetBytes(".first\r\nX: y\r\n\r\n.\r\n..two\r\n"), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }

    [Fact]
    public async Task Data_Empty_StoresOnlyTraceFields()
    {
        var client = await ReadyForDataAsync();
        Assert.StartsWith("250", await SendDataAsync(client, ".\r\n"));
        Assert.Empty(WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }

    [Fact]
    public async Task Data_EightBitWithoutBodyParameter_StoredExact()
    {
        var client = await ReadyForDataAsync();
        var bytes = Encoding.UTF8.GetBytes("Subject: Grüße\r\n\r\nÄÖÜ ß € \u00e9\r\n").Concat(new byte[] { 0xff, 0x80, 0x0d, 0x0a }).ToArray();
        Assert.StartsWith("250", await SendDataAsync(client, [.. bytes, .. ".\r\n"u8.ToArray()]));
        Assert.Equal(bytes, WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }

    [Fact]
    public async Task Data_LineLongerThan1000_StoredIntact()
    {
        var client = await ReadyForDataAsync();
        var message = "Subject: long\r\n\r\n" + new string('a', 20_000) + "\r\nend\r\n";
        Assert.StartsWith("250", await SendDataAsync(client, message + ".\r\n"));
        Assert.Equal(Encoding.ASCII.GetBytes(message), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }

    [Fact]
    public async Task Data_AliasAndUser_DeliveredOncePerAccount()
    {
        var client = await ConnectAsync();
        await client.SendLineAsync("EHLO c.example");
        await client.ReadReplyAsync();
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        await client.ReadReplyAsync();
        foreach (var rcpt in new[] { "team@example.com", "alice@example.com", "bob+x@example.com" })
        {
            await client.SendLineAsync($"RCPT TO:<{rcpt}>");
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        }
        Assert.StartsWith("250", await SendDataAsync(client, Message + ".\r\n"));
        var alice = await Host.InboxAsync("alice@example.com");
        var bob = await Host.InboxAsync("bob@example.com");
        Assert.Single(alice);
        Assert.Single(bob);
        Assert.DoesNotContain("\tfor <", Encoding.ASCII.GetString(alice[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_TwoTransactionsInOneSession_BothDelivered()
    {
        var client = await ReadyForDataAsync();
        Assert.StartsWith("250", await SendDataAsync(client, "Subject: 1\r\n\r\none\r\n.\r\n"));
        await client.SendLineAsync("MAIL FROM:<a@remote.example>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        Assert.StartsWith("250", await SendDataAsync(client, "Subject: 2\r\n\r\ntwo\r\n.\r\n"));
        Assert.Equal(2, (await Host.InboxAsync("alice@example.com")).Count);
    }

    [Fact]
    public async Task Data_LargeMessage_StoredExact()
    {
        var client = await ReadyForDataAsync();
        var body = new StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; body.Length < 3_000_000; i++)
        {
            body.Append("line ").Append(i).Append(" of a large message with some text\r\n");
        }
        var message = body.ToString();
        Assert.StartsWith("250", await SendDataAsync(client, message + ".\r\n"));
        Assert.Equal(Encoding.ASCII.GetBytes(message), WithoutTrace((await Host.InboxAsync("alice@example.com"))[0]));
    }
}

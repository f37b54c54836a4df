using System.Text;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Lmtp;

[Collection(MailHostCollection.Name)]
public sealed class DataTests(MailHostFixture host) : LmtpTestBase(host)
{
    [Fact]
    public async Task Data_MixedRecipients_OneReplyPerAcceptedRecipient_StoredByteExact()
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = Sample(marker);
        var client = await GreetedAsync();
        await client.SendLineAsync("MAIL FROM:<sender@remote.example> SIZE=" + message.Length);
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("RCPT TO:<nobody@example.com>");
        Assert.StartsWith("550 5.1.1 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("RCPT TO:<bob@example.com>");
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync("DATA");
        Assert.Equal("354 start mail input; end with <CRLF>.<CRLF>", await client.ReadReplyAsync());
        await client.SendAsync(DataSection(message));

        // RFC 2033 §4.2: one reply per accepted RCPT, in RCPT order, and nothing for the refused one.
        var first = await client.ReadReplyAsync();
        var second = await client.ReadReplyAsync();
        Assert.Matches("^250 2.0.0 <alice@example.com> delivered as [0-9A-Z]{12}$", first);
        Assert.Matches("^250 2.0.0 <bob@example.com> delivered as [0-9A-Z]{12}$", second);
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());

        foreach (var account in new[] { MailHostFixture.Alice, MailHostFixture.Bob })
        {
            var stored = Assert.Single(await StoredAsync(account, marker));
            Assert.Equal(message, SmtpTestBase.WithoutTrace(stored));
            var text = Encoding.Latin1.GetString(stored);
            Assert.StartsWith("Return-Path: <sender@remote.example>\r\nReceived: from mx.example.net ([127.0.0.1])\r\n\tby mail.test with LMTP id ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\tfor <", text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Data_SingleRecipient_ReceivedNamesIt_NullSenderKept()
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = Sample(marker);
        var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<>\r\nRCPT TO:<alice+lists@example.com>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        Assert.StartsWith("250 2.1.5 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync(DataSection(message));
        Assert.StartsWith("250 2.0.0 <alice+lists@example.com> delivered as ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var text = Encoding.Latin1.GetString(Assert.Single(await StoredAsync(MailHostFixture.Alice, marker)));
        Assert.StartsWith("Return-Path: <>\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\n\tfor <alice+lists@example.com>; ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_Pipelined_WholeTransactionInOneWrite_RepliesInOrder()
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = Sample(marker);
        var client = await ConnectAsync();
        var batch = Encoding.ASCII.GetBytes("LHLO mx.example.net\r\nMAIL FROM:<s@remote.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<x@remote.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n")
            .Concat(DataSection(message))
            .Concat(Encoding.ASCII.GetBytes("QUIT\r\n"))
            .ToArray();
        await client.SendAsync(batch);
        Assert.StartsWith("250-mail.test\n", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("250 2.1.0 sender OK", await client.ReadReplyAsync());
        Assert.StartsWith("250 2.1.5 <alice@", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("550 5.7.1 <x@remote.example>", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5 <bob@", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <alice@example.com> ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 <bob@example.com> ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("221 2.0.0 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.True(await client.IsClosedAsync());
        Assert.Equal(message, SmtpTestBase.WithoutTrace(Assert.Single(await StoredAsync(MailHostFixture.Bob, marker))));
    }

    [Fact]
    public async Task Data_AliasRecipient_DeliversToTarget_ReplyNamesAlias()
    {
        var marker = Guid.NewGuid().ToString("N");
        var admin = Host.Services.GetService(typeof(Mail.Shared.Directory.IDirectoryAdmin)) as Mail.Shared.Directory.IDirectoryAdmin;
        var alias = "team-" + marker[..8] + "@example.com";
        Assert.Equal(Mail.Shared.Directory.DirectoryChangeResult.Done, await admin!.AddAliasAsync(alias, MailHostFixture.Alice, CancellationToken.None));
        var client = await GreetedAsync();
        await client.SendAsync($"MAIL FROM:<s@remote.example>\r\nRCPT TO:<{alias}>\r\nDATA\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        var rcpt = await client.ReadReplyAsync();
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync(DataSection(Sample(marker)));
        Assert.StartsWith($"250 2.0.0 <{alias}> delivered as ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", rcpt, StringComparison.Ordinal);
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        Assert.NotEmpty(await StoredAsync(MailHostFixture.Alice, marker));
    }

    [Theory]
    [InlineData("Subject: x\nbare LF\r\n", "554 5.6.0 bare <LF> received in message data")]
    [InlineData("Subject: x\r\nbare\rCR\r\n", "554 5.6.0 bare <CR> received in message data")]
    public async Task Data_BareLineEnd_RefusedPerRecipient_NothingStored(string body, string expected)
    {
        var marker = Guid.NewGuid().ToString("N");
        var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<s@remote.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync($"X-Marker: {marker}\r\n{body}.\r\n");
        Assert.Equal(expected, await client.ReadReplyAsync());
        Assert.Equal(expected, await client.ReadReplyAsync());
        await client.SendLineAsync("NOOP");
        Assert.Equal("250 2.0.0 OK", await client.ReadReplyAsync());
        Assert.Empty(await StoredAsync(MailHostFixture.Alice, marker));
        Assert.Empty(await StoredAsync(MailHostFixture.Bob, marker));
    }

    [Fact]
    public async Task Data_EmptyMessage_StoredAsTraceOnly()
    {
        var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<empty@remote.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendAsync(".\r\n");
        var reply = await client.ReadReplyAsync();
        Assert.StartsWith("250 2.0.0 <bob@example.com> delivered as ", reply, StringComparison.Ordinal);
        var id = reply[^12..];
        var stored = Encoding.Latin1.GetString(Assert.Single(await StoredAsync(MailHostFixture.Bob, " id " + id)));
        Assert.StartsWith("Return-Path: <empty@remote.example>\r\nReceived: ", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", stored, StringComparison.Ordinal);
        Assert.All(stored[..^2].Split("\r\n"), line => Assert.True(line.StartsWith("Return-Path: ", StringComparison.Ordinal) || line.StartsWith("Received: ", StringComparison.Ordinal) || line.StartsWith('\t'), line));
    }

    [Fact]
    public async Task Data_WithArgument_Returns501()
    {
        var client = await GreetedAsync();
        await client.SendAsync("MAIL FROM:<s@remote.example>\r\nRCPT TO:<bob@example.com>\r\nDATA now\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.Equal("501 5.5.4 syntax: DATA", await client.ReadReplyAsync());
    }
}

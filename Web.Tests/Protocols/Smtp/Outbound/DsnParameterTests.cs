using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>RFC 3461 parameters on Submission and what the DSN does with them.</summary>
public sealed class DsnParameterTests
{
    private static async Task<string> SubmitAsync(OutboundTestHost host, string mail, params string[] rcpts)
    {
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("EHLO client.example");
        Assert.Contains("250-DSN", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.SendLineAsync(mail);
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        foreach (var rcpt in rcpts)
        {
            await client.SendLineAsync(rcpt);
            Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        }
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        await client.SendAsync(OutboundTestHost.Message("alice@example.com", "x@example.com", "Params").Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
        return await client.ReadReplyAsync();
    }

    [Fact]
    public async Task Failure_WithEnvidOrcptAndRetFull_DsnEchoesThemAndReturnsTheWholeMessage()
    {
        await using var host = await OutboundTestHost.StartAsync();
        Assert.StartsWith("250", await SubmitAsync(host, "MAIL FROM:<alice@example.com> RET=FULL ENVID=env+2B42",
            "RCPT TO:<nosuch@example.com> NOTIFY=FAILURE ORCPT=rfc822;nosuch+40example.com"));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the DSN");
        var dsn = Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]);
        Assert.Contains("Original-Envelope-Id: env+2B42", dsn, StringComparison.Ordinal);
        Assert.Contains("Original-Recipient: rfc822;nosuch@example.com", dsn, StringComparison.Ordinal);
        Assert.Contains("Content-Type: message/rfc822", dsn, StringComparison.Ordinal);
        Assert.Contains("Hello there.", dsn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_WithNotifyNever_SendsNoDsn()
    {
        await using var host = await OutboundTestHost.StartAsync();
        var reply = await SubmitAsync(host, "MAIL FROM:<alice@example.com>", "RCPT TO:<nosuch@example.com> NOTIFY=NEVER", "RCPT TO:<bob@example.com>");
        Assert.StartsWith("250", reply);
        await OutboundTestHost.WaitUntilAsync(() => host.Queue.ReadAll().Count == 0, "an empty queue");
        Assert.Single(await host.InboxAsync("bob@example.com"));
        Assert.Empty(await host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Rcpt_WithNeverCombined_Returns501()
    {
        await using var host = await OutboundTestHost.StartAsync(outbound: false);
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("RCPT TO:<x@remote.example> NOTIFY=NEVER,FAILURE");
        Assert.StartsWith("501 5.5.4", await client.ReadReplyAsync());
    }
}

using System.Net;
using System.Text;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// RFC 3461 NOTIFY=SUCCESS and the relay of DSN parameters: a next hop offering DSN (smtp-sink) receives NOTIFY,
/// RET and ENVID and takes the success duty over; one without DSN (smtp-sink -N) makes us send "relayed";
/// the local shortcut reports "delivered". Reports go to the authenticated sender only.
/// </summary>
public sealed class DsnSuccessTests
{
    private static async Task<string> SubmitAsync(OutboundTestHost host, string mail, params string[] rcpts)
    {
        await using var client = await host.AuthenticatedClientAsync();
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

    private static Task WaitForEmptyQueueAsync(OutboundTestHost host) =>
        OutboundTestHost.WaitUntilAsync(() => host.Queue.ReadAll().Count == 0 && host.Scheduler.Count == 0, "an empty queue");

    [Fact]
    public async Task NotifySuccess_ToHopWithDsn_RelaysNotifyRetEnvid_AndSendsNoReportOfItsOwn()
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port);
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Outbound:Routes:dsn.test"] = $"127.0.0.1:{port}" });
        Assert.StartsWith("250", await SubmitAsync(host, "MAIL FROM:<alice@example.com> RET=HDRS ENVID=env42",
            "RCPT TO:<carol@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;carol+40orig.test"));
        await WaitForEmptyQueueAsync(host);
        var received = Encoding.UTF8.GetString(Assert.Single(sink.Messages()));
        Assert.Contains("NOTIFY=SUCCESS,FAILURE", received, StringComparison.Ordinal);
        // RFC 3461 §5.2.1 (c): the ORCPT received is relayed with the same value (xtext: "+40" and "@" are one octet),
        // not replaced by the RCPT address.
        Assert.Contains("ORCPT=rfc822;carol@orig.test", received, StringComparison.Ordinal);
        Assert.DoesNotContain("ORCPT=rfc822;carol@dsn.test", received, StringComparison.Ordinal);
        Assert.Contains("ENVID=env42", received, StringComparison.Ordinal);
        Assert.Contains("RET=HDRS", received, StringComparison.Ordinal);
        Assert.Empty(await host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task NotifySuccess_ToHopWithoutDsn_SendsRelayedReportToTheSender()
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port, "-N");
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Outbound:Routes:nodsn.test"] = $"127.0.0.1:{port}" });
        Assert.StartsWith("250", await SubmitAsync(host, "MAIL FROM:<alice@example.com> ENVID=env43",
            "RCPT TO:<carol@nodsn.test> NOTIFY=SUCCESS ORCPT=rfc822;carol+40orig.test", "RCPT TO:<dave@nodsn.test>"));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the success report");
        await WaitForEmptyQueueAsync(host);
        var received = Encoding.UTF8.GetString(Assert.Single(sink.Messages()));
        Assert.DoesNotContain("NOTIFY=", received, StringComparison.Ordinal);
        var report = Encoding.UTF8.GetString(Assert.Single(await host.InboxAsync("alice@example.com")));
        Assert.StartsWith("Return-Path: <>", report, StringComparison.Ordinal);
        Assert.Contains("Subject: Successful Mail Delivery Report", report, StringComparison.Ordinal);
        Assert.Contains("Action: relayed", report, StringComparison.Ordinal);
        Assert.Contains("Status: 2.", report, StringComparison.Ordinal);
        Assert.Contains("Original-Envelope-Id: env43", report, StringComparison.Ordinal);
        Assert.Contains("Original-Recipient: rfc822;carol@orig.test", report, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; carol@nodsn.test", report, StringComparison.Ordinal);
        // dave gave no NOTIFY: the default is FAILURE,DELAY, so no success report for him.
        Assert.DoesNotContain("dave@nodsn.test", report, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/rfc822-headers", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifySuccess_LocalDelivery_SendsDeliveredReport()
    {
        await using var host = await OutboundTestHost.StartAsync();
        Assert.StartsWith("250", await SubmitAsync(host, "MAIL FROM:<alice@example.com> RET=FULL", "RCPT TO:<bob@example.com> NOTIFY=SUCCESS"));
        await OutboundTestHost.WaitUntilAsync(async () => (await host.InboxAsync("alice@example.com")).Count == 1, "the success report");
        Assert.Single(await host.InboxAsync("bob@example.com"));
        var report = Encoding.UTF8.GetString((await host.InboxAsync("alice@example.com"))[0]);
        Assert.Contains("Action: delivered", report, StringComparison.Ordinal);
        Assert.Contains("Status: 2.0.0", report, StringComparison.Ordinal);
        // RET=FULL applies to failure reports only (RFC 3461 §4.3).
        Assert.DoesNotContain("message/rfc822", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orcpt_WithoutNotify_IsRelayedAsGiven_AndARcptWithoutOrcptGetsItsOwnAddress()
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port);
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Outbound:Routes:dsn.test"] = $"127.0.0.1:{port}" });
        Assert.StartsWith("250", await SubmitAsync(host, "MAIL FROM:<alice@example.com>",
            "RCPT TO:<carol@dsn.test> ORCPT=rfc822;Carol+2BList+40orig.test", "RCPT TO:<dave@dsn.test>"));
        await WaitForEmptyQueueAsync(host);
        var received = Encoding.UTF8.GetString(Assert.Single(sink.Messages()));
        Assert.Contains("ORCPT=rfc822;Carol+2BList@orig.test", received, StringComparison.Ordinal);
        // RFC 3461 §5.2.1 (d): one may be added, with the address as received.
        Assert.Contains("ORCPT=rfc822;dave@dsn.test", received, StringComparison.Ordinal);
        Assert.DoesNotContain("NOTIFY=", received, StringComparison.Ordinal);
    }
}

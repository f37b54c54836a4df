using System.Text;
using Mail.Protocols.Filtering;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Milter;

/// <summary>The milter client end to end: SMTP-in with a real libmilter milter (test_milter.py on python3-milter).</summary>
public sealed class MilterScanStageTests
{
    private static Task<FilterSmtpHarness> StartAsync(string endpoint, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Filters:Milters:0:Name"] = "test",
            ["Mail:Filters:Milters:0:Endpoint"] = endpoint,
            ["Mail:Filters:Milters:0:TimeoutSeconds"] = "20",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return FilterSmtpHarness.StartAsync(settings, spamd: false, clamd: false);
    }

    private static string Message(string command, string body = "See you at noon.") =>
        "From: Bob Sender <bob@remote.example>\r\n" +
        "To: Alice <alice@example.com>\r\n" +
        "Subject: Lunch on Friday\r\n" +
        "X-Remove-Me: yes\r\n" +
        $"X-Test-Milter: {command}\r\n" +
        "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@remote.example>\r\n" +
        "\r\n" + body + "\r\n";

    [Fact]
    public async Task Continue_Delivered_Unchanged_WithMilterInScanHeader()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);
        var message = Message("none");

        var reply = await h.SendAsync(message);

        var id = FilterSmtpHarness.QueueId(reply);
        var stored = Assert.Single(await h.Host.InboxAsync("alice@example.com"));
        Assert.Contains($"X-Mail-Scan: id={id}; milter:test=clean", FilterTestMessages.HeaderOf(stored));
        Assert.EndsWith(message, Encoding.Latin1.GetString(stored));
    }

    [Fact]
    public async Task Reject_Replies550_NothingStored()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("reject"));

        Assert.StartsWith("550 5.7.1 ", reply);
        Assert.Contains("milter:test", reply, StringComparison.Ordinal);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task ReplyCode_MiltersOwnReplyIsSent()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("replycode"));

        Assert.Equal("550 5.7.0 Custom milter refusal", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Tempfail_Replies451_NothingStored()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("tempfail"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Discard_Replies250_NothingStored_Recorded()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("discard"));

        var id = FilterSmtpHarness.QueueId(reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(FilterAction.Discard, record.Action);
    }

    [Fact]
    public async Task Quarantine_GoesToJunk_WithReason()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("quarantine"));

        var id = FilterSmtpHarness.QueueId(reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Single(await h.Host.MailboxAsync("alice@example.com", "Junk"));
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal("quarantine: held for review", Assert.Single(record.Checks, c => c.Name == "milter:test").Detail);
    }

    [Fact]
    public async Task Edit_HeadersAddedChangedDeleted_BodyReplaced_MilterSawEnvelope()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);
        var body = string.Join("\r\n", Enumerable.Range(0, 3000).Select(i => $"line {i} of a body longer than one 64 KiB milter chunk"));
        var message = Message("edit", body);

        var reply = await h.SendAsync(message, "alice@example.com", "bob@example.com");

        var id = FilterSmtpHarness.QueueId(reply);
        var stored = Encoding.Latin1.GetString(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        var header = FilterTestMessages.HeaderOf(Encoding.Latin1.GetBytes(stored));
        // Index 0 is the first field the milter saw: our Received (Return-Path is added at delivery, before the filter fields).
        Assert.StartsWith("Return-Path: <sender@remote.example>\r\n", header);
        Assert.Contains("\r\nX-Milter-First: inserted\r\nReceived: from client.example", header);
        Assert.Contains("\r\nSubject: Changed by milter\r\n", header);
        Assert.DoesNotContain("X-Remove-Me", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Lunch on Friday", header, StringComparison.Ordinal);
        var bodyOctets = Encoding.ASCII.GetByteCount(body + "\r\n");
        Assert.Contains($"\r\nX-Milter-Seen: from=<sender@remote.example> rcpts=<alice@example.com>,<bob@example.com> client=127.0.0.1 helo=client.example i={id} headers=", header);
        Assert.Contains($" body={bodyOctets}\r\n", header);
        Assert.EndsWith("\r\n\r\nBody replaced by the test milter.\r\n", stored);
        Assert.Contains($"X-Mail-Scan: id={id}; milter:test=clean", header);
    }

    [Fact]
    public async Task RecipientRefusedAtRcptStep_RefusesMessage_WithMiltersReply()
    {
        await using var milter = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(milter.Endpoint);

        var reply = await h.SendAsync(Message("none"), "postmaster@example.com");

        Assert.Equal("550 5.7.1 Recipient refused by the test milter", reply);
    }

    [Fact]
    public async Task MilterDown_DefaultPolicy_Tempfail451()
    {
        await using var h = await StartAsync(FilterSmtpHarness.ClosedEndpoint());

        var reply = await h.SendAsync(Message("none"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task MilterSilent_PassWithHeader_DeliveredMarkedFailed()
    {
        using var silent = new BlackholeDaemon();
        await using var h = await StartAsync(silent.Endpoint, ("Mail:Filters:Milters:0:TimeoutSeconds", "1"), ("Mail:Filters:Milters:0:FailurePolicy", "PassWithHeader"));

        var reply = await h.SendAsync(Message("none"));

        var id = FilterSmtpHarness.QueueId(reply);
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains($"X-Mail-Scan: id={id}; milter:test=failed (timed out after 1 s)", header);
    }

    [Fact]
    public async Task TwoMilters_BothRun_SecondRejects()
    {
        await using var first = await TestMilterProcess.StartAsync();
        await using var second = await TestMilterProcess.StartAsync();
        await using var h = await StartAsync(first.Endpoint, ("Mail:Filters:Milters:1:Name", "second"), ("Mail:Filters:Milters:1:Endpoint", second.Endpoint));

        var reply = await h.SendAsync(Message("reject"));

        Assert.StartsWith("550 5.7.1 ", reply);
    }
}

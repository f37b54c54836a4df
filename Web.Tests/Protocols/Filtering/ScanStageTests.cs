using System.Text;
using Mail.Protocols.Filtering;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>The scan stage end to end: SMTP-in with the real spamd and clamd of scripts/services-filters.sh.</summary>
public sealed class ScanStageTests
{
    [Fact]
    public async Task Gtube_Rejected550_NothingStored()
    {
        await using var h = await FilterSmtpHarness.StartAsync();

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube));

        Assert.StartsWith("550 5.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
    }

    [Fact]
    public async Task EicarRaw_Rejected554()
    {
        await using var h = await FilterSmtpHarness.StartAsync();

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar));

        Assert.Equal($"554 5.7.1 Error: message content rejected: virus found ({FilterDaemons.EicarSignature})", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task EicarBase64Attachment_Rejected554()
    {
        await using var h = await FilterSmtpHarness.StartAsync();

        var reply = await h.SendAsync(FilterTestMessages.WithAttachment(Encoding.ASCII.GetBytes(FilterTestMessages.Eicar), "eicar.com", "application/octet-stream"));

        Assert.StartsWith("554 5.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task EicarInZip_Rejected554()
    {
        await using var h = await FilterSmtpHarness.StartAsync();
        var zip = FilterTestMessages.EicarZip();
        Assert.DoesNotContain("EICAR", Encoding.Latin1.GetString(zip), StringComparison.Ordinal);

        var reply = await h.SendAsync(FilterTestMessages.WithAttachment(zip, "report.zip", "application/zip"));

        Assert.StartsWith("554 5.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Ham_DeliveredToInbox_WithHeadersAndVerdictRecord()
    {
        await using var h = await FilterSmtpHarness.StartAsync();
        var message = FilterTestMessages.Plain("See you at noon.\r\nBob");

        var reply = await h.SendAsync(message);

        var id = FilterSmtpHarness.QueueId(reply);
        var stored = Assert.Single(await h.Host.InboxAsync("alice@example.com"));
        var header = FilterTestMessages.HeaderOf(stored);
        Assert.StartsWith("Return-Path: <sender@remote.example>\r\nX-Spam-Flag: NO\r\nX-Spam-Score: ", header);
        Assert.Contains("\r\nX-Virus-Scanned: clamd\r\n", header);
        Assert.Contains($"\r\nX-Mail-Scan: id={id}; clamd=clean; spamd=clean (", header);
        Assert.Contains("\r\nAuthentication-Results: mx.test.example; none\r\nReceived: from client.example", header);
        // The received octets follow unchanged.
        Assert.EndsWith(message, Encoding.Latin1.GetString(stored));

        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(FilterAction.Deliver, record.Action);
        Assert.Equal("INBOX", record.Mailbox);
        Assert.Equal(1u, record.Uid);
        Assert.Equal("sender@remote.example", record.Sender);
        Assert.Equal(["clamd", "spamd"], record.Checks.Select(c => c.Name));
        Assert.NotNull(record.Checks[1].Score);
        Assert.NotNull(record.MessageId);
    }

    [Fact]
    public async Task OverJunkScore_DeliveredToJunkOfEveryRecipient_WithSpamHeaders()
    {
        // GTUBE scores 1000: with the reject score above it, it is "only" junk.
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:RejectScore"] = "5000" });

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube), "alice@example.com", "bob@example.com");

        var id = FilterSmtpHarness.QueueId(reply);
        foreach (var account in new[] { "alice@example.com", "bob@example.com" })
        {
            Assert.Empty(await h.Host.InboxAsync(account));
            var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.MailboxAsync(account, "Junk")));
            Assert.Contains("\r\nX-Spam-Flag: YES\r\n", header);
            Assert.Contains("\r\nX-Spam-Status: Yes, score=", header);
            Assert.Contains("GTUBE", header);
            var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync(account, id, CancellationToken.None);
            Assert.Equal(FilterAction.Junk, record!.Action);
            Assert.Equal("Junk", record.Mailbox);
            Assert.Contains("GTUBE", record.Checks.Single(c => c.Name == "spamd").Symbols);
        }
    }

    [Fact]
    public async Task Rejection_IsRecordedWithoutMailbox()
    {
        await using var h = await FilterSmtpHarness.StartAsync();

        Assert.StartsWith("554 ", await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar)));

        var records = await h.Host.Services.GetRequiredService<IVerdictStore>().ListAsync("alice@example.com", 10, CancellationToken.None);
        var record = Assert.Single(records);
        Assert.Equal(FilterAction.RejectVirus, record.Action);
        Assert.Equal("", record.Mailbox);
        Assert.Equal(0u, record.Uid);
    }

    [Fact]
    public async Task SpamdDown_Tempfails451_NothingStored()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Spamd:Endpoint"] = FilterSmtpHarness.ClosedEndpoint() });

        var reply = await h.SendAsync(FilterTestMessages.Plain("hello"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
    }

    [Fact]
    public async Task ClamdDown_Tempfails451_NothingStored()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Clamd:Endpoint"] = FilterSmtpHarness.ClosedEndpoint() });

        var reply = await h.SendAsync(FilterTestMessages.Plain("hello"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task SpamdSlowerThanTimeout_Tempfails451_WithinTheTimeout()
    {
        using var slow = new BlackholeDaemon();
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Spamd:Endpoint"] = slow.Endpoint,
            ["Mail:Filters:Spamd:TimeoutSeconds"] = "1",
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var reply = await h.SendAsync(FilterTestMessages.Plain("hello"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), watch.Elapsed.ToString());
        Assert.Equal(1, slow.Connections);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task ClamdSlowerThanTimeout_WithPassWithHeader_DeliveredMarkedUnscanned()
    {
        using var slow = new BlackholeDaemon();
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Clamd:Endpoint"] = slow.Endpoint,
            ["Mail:Filters:Clamd:TimeoutSeconds"] = "1",
            ["Mail:Filters:FailurePolicy"] = "PassWithHeader",
        });

        var reply = await h.SendAsync(FilterTestMessages.Plain("hello"));

        FilterSmtpHarness.QueueId(reply);
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains("; clamd=failed (timed out after 1 s); spamd=clean", header);
        Assert.DoesNotContain("X-Virus-Scanned", header);
    }

    [Fact]
    public async Task SpamdDown_PerScannerPassWithHeader_ClamdStillEnforced()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Spamd:Endpoint"] = FilterSmtpHarness.ClosedEndpoint(),
            ["Mail:Filters:Spamd:FailurePolicy"] = "PassWithHeader",
        });

        Assert.StartsWith("250 ", await h.SendAsync(FilterTestMessages.Plain("hello")));
        Assert.StartsWith("554 5.7.1 ", await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar)));
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains("spamd=failed (unreachable:", header);
    }

    [Fact]
    public async Task NoScannersConfigured_DeliversWithAuthenticationResultsNone()
    {
        await using var h = await FilterSmtpHarness.StartAsync(spamd: false, clamd: false);

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Eicar)));

        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains("\r\nAuthentication-Results: mx.test.example; none\r\n", header);
        Assert.DoesNotContain("X-Spam", header);
    }
}

using Mail.Web.Tests.Protocols.Filtering;
using Mail.Web.Tests.Protocols.Smtp.Outbound;

namespace Mail.Web.Tests.Protocols.Smtp.Submission;

/// <summary>The outbound scan before the 250, with the real clamd of scripts/services-filters.sh: nothing nasty goes out, and no bounce is made.</summary>
public sealed class SubmissionScanTests
{
    [Fact]
    public async Task Data_WithVirus_Returns554AndQueuesNothing()
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Clamd:Endpoint"] = FilterDaemons.Clamd }, outbound: false);
        var body = OutboundTestHost.Message("alice@example.com", "carol@remote.example", "Attached") + FilterTestMessages.Eicar + "\n";
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("RCPT TO:<carol@remote.example>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        await client.SendAsync(body.Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
        Assert.StartsWith("554 5.7.1 Error: message content rejected: virus found", await client.ReadReplyAsync());
        Assert.Empty(host.Queue.ReadAll());

        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<carol@remote.example>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        await client.SendAsync(OutboundTestHost.Message("alice@example.com", "carol@remote.example").Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync());
        Assert.Single(host.Queue.ReadAll());
    }

    /// <summary>GTUBE through the real spamd, and an executable disguised as a picture under the attachment policy: refused before the 250, nothing queued.</summary>
    [Theory]
    [InlineData("spam", "550 5.7.1 Error: message content rejected as spam")]
    [InlineData("attachment", "554 5.7.1 Error: message content rejected: banned photo.jpg")]
    public async Task Data_WithSpamOrBannedAttachment_IsRefusedAndQueuesNothing(string kind, string expected)
    {
        var settings = kind == "spam"
            ? new Dictionary<string, string?> { ["Mail:Filters:Spamd:Endpoint"] = FilterDaemons.Spamd }
            : new Dictionary<string, string?> { ["Mail:Filters:Attachments:Enabled"] = "true" };
        await using var host = await OutboundTestHost.StartAsync(settings, outbound: false);
        var message = kind == "spam"
            ? FilterTestMessages.Plain(FilterTestMessages.Gtube)
            : FilterTestMessages.WithAttachment("MZ this is a test"u8.ToArray(), "photo.jpg", "image/jpeg");
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<carol@remote.example>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("DATA");
        Assert.StartsWith("354", await client.ReadReplyAsync());
        await client.SendAsync(System.Text.Encoding.UTF8.GetString(FilterTestMessages.ToWire(message)));
        Assert.StartsWith(expected, await client.ReadReplyAsync());
        Assert.Empty(host.Queue.ReadAll());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Data_WithVirusToLocalRecipient_IsScannedUnlessScanLocalMailIsOff(bool scanLocal)
    {
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Clamd:Endpoint"] = FilterDaemons.Clamd,
            ["Mail:Submission:ScanLocalMail"] = scanLocal ? "true" : "false",
        }, outbound: false);
        var body = OutboundTestHost.Message("alice@example.com", "bob@example.com", "Attached") + FilterTestMessages.Eicar + "\n";
        var remote = OutboundTestHost.Message("alice@example.com", "carol@remote.example", "Attached") + FilterTestMessages.Eicar + "\n";
        await using var client = await host.AuthenticatedClientAsync();
        foreach (var (rcpt, text) in new[] { ("bob@example.com", body), ("carol@remote.example", remote) })
        {
            await client.SendLineAsync("MAIL FROM:<alice@example.com>");
            Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
            await client.SendLineAsync($"RCPT TO:<{rcpt}>");
            await client.ReadReplyAsync();
            await client.SendLineAsync("DATA");
            await client.ReadReplyAsync();
            await client.SendAsync(text.Replace("\n", "\r\n", StringComparison.Ordinal) + ".\r\n");
            var reply = await client.ReadReplyAsync();
            // Mail with a remote recipient is always scanned.
            Assert.StartsWith(scanLocal || rcpt.EndsWith("remote.example", StringComparison.Ordinal) ? "554 5.7.1" : "250 2.0.0", reply);
        }
        Assert.Equal(scanLocal ? 0 : 1, host.Queue.ReadAll().Count);
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r\n.\n")]
    [InlineData("\r.\r\n")]
    [InlineData("\r.\n")]
    public async Task Data_WithSmugglingEndOfData_Returns554AndQueuesNothing(string fakeEnd)
    {
        await using var host = await OutboundTestHost.StartAsync(outbound: false);
        await using var client = await host.AuthenticatedClientAsync();
        await client.SendLineAsync("MAIL FROM:<alice@example.com>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("RCPT TO:<carol@remote.example>");
        await client.ReadReplyAsync();
        await client.SendLineAsync("DATA");
        await client.ReadReplyAsync();
        // SMTP smuggling (CVE-2023-51766 family): a non-standard "end of data" followed by a second transaction.
        await client.SendAsync("Subject: a\r\n\r\nx" + fakeEnd + "MAIL FROM:<bob@example.com>\r\nRCPT TO:<victim@remote.example>\r\nDATA\r\nSubject: forged\r\n\r\n.\r\n");
        Assert.StartsWith("554 5.6.0", await client.ReadReplyAsync());
        Assert.Empty(host.Queue.ReadAll());
    }
}

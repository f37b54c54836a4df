namespace Mail.Web.Tests.Protocols.Filtering.Attachments;

/// <summary>The attachment policy in SMTP-in, end to end.</summary>
public sealed class AttachmentScanStageTests
{
    [Fact]
    public async Task ExeAttachment_Rejected554_NothingStored()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?> { ["Mail:Filters:Attachments:Enabled"] = "true" }, spamd: false, clamd: false);

        var reply = await h.SendAsync(FilterTestMessages.WithAttachment("MZ this is a test"u8.ToArray(), "photo.jpg", "image/jpeg"));

        Assert.Equal("554 5.7.1 Error: message content rejected: banned photo.jpg: content pe", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task Strip_DeliveredWithNote()
    {
        await using var h = await FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Attachments:Enabled"] = "true",
            ["Mail:Filters:Attachments:Action"] = "Strip",
        }, spamd: false, clamd: false);

        var reply = await h.SendAsync(FilterTestMessages.WithAttachment("x"u8.ToArray(), "run.js", "application/octet-stream"));

        FilterSmtpHarness.QueueId(reply);
        var stored = System.Text.Encoding.Latin1.GetString(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains("attachment policy (run.js: extension js)", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("filename=\"run.js\"", stored, StringComparison.Ordinal);
    }
}

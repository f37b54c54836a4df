using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Rspamd;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Rspamd;

/// <summary>rspamd in the scan stage, end to end: SMTP-in with the real rspamd of scripts/services-rspamd.sh.</summary>
public sealed class RspamdScanStageTests
{
    private static Task<FilterSmtpHarness> StartAsync(string url, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Mail:Filters:Rspamd:Url"] = url };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return FilterSmtpHarness.StartAsync(settings, spamd: false, clamd: false);
    }

    [Fact]
    public async Task Gtube_RspamdRejects_Replies550_NothingStored()
    {
        await using var h = await StartAsync(FilterDaemons.Rspamd);

        var reply = await h.SendAsync(FilterTestMessages.Plain(FilterTestMessages.Gtube));

        Assert.StartsWith("550 5.7.1 ", reply);
        Assert.Contains("rspamd", reply, StringComparison.Ordinal);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
        Assert.Empty(await h.Host.MailboxAsync("alice@example.com", "Junk"));
    }

    [Fact]
    public async Task Ham_RspamdScores_DeliveredToInboxWithScanHeader()
    {
        await using var h = await StartAsync(FilterDaemons.Rspamd);
        var message = FilterTestMessages.Plain("See you at noon on Friday, the table is booked.\r\nBob");

        var reply = await h.SendAsync(message);

        var id = FilterSmtpHarness.QueueId(reply);
        var stored = Assert.Single(await h.Host.InboxAsync("alice@example.com"));
        var header = FilterTestMessages.HeaderOf(stored);
        Assert.Contains($"\r\nX-Mail-Scan: id={id}; rspamd=clean (", header);
        Assert.Contains("\r\nX-Spam-Flag: NO\r\n", header);
        Assert.EndsWith(message, Encoding.Latin1.GetString(stored));
        var record = await h.Host.Services.GetRequiredService<IVerdictStore>().FindAsync("alice@example.com", id, CancellationToken.None);
        Assert.NotNull(record);
        var check = Assert.Single(record.Checks, c => c.Name == "rspamd");
        Assert.NotEmpty(check.Symbols);
    }

    [Fact]
    public async Task RspamdDown_DefaultPolicy_Tempfail451_NothingStored()
    {
        await using var h = await StartAsync("http://" + FilterSmtpHarness.ClosedEndpoint());

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }

    [Fact]
    public async Task RspamdSlow_PassWithHeader_DeliveredMarkedFailed()
    {
        using var slow = new BlackholeDaemon();
        await using var h = await StartAsync("http://" + slow.Endpoint,
            ("Mail:Filters:Rspamd:TimeoutSeconds", "1"), ("Mail:Filters:Rspamd:FailurePolicy", "PassWithHeader"));

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"));

        var id = FilterSmtpHarness.QueueId(reply);
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.InboxAsync("alice@example.com")));
        Assert.Contains($"X-Mail-Scan: id={id}; rspamd=failed (timed out after 1 s)", header);
        Assert.Equal(1, slow.Connections);
    }

    [Fact]
    public async Task RspamdSlow_DefaultPolicy_Tempfail451()
    {
        using var slow = new BlackholeDaemon();
        await using var h = await StartAsync("http://" + slow.Endpoint, ("Mail:Filters:Rspamd:TimeoutSeconds", "1"));

        var reply = await h.SendAsync(FilterTestMessages.Plain("Hello"));

        Assert.StartsWith("451 4.7.1 ", reply);
        Assert.Empty(await h.Host.InboxAsync("alice@example.com"));
    }
}

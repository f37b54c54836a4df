using Mail.Web.Tests.Protocols.Smtp;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>SPF at MAIL FROM (ARSoft.Tools.Net) against an in-process DNS server serving test zones; the client is 127.0.0.1.</summary>
public sealed class SpfTests : IDisposable
{
    private readonly TestDnsServer _dns = new();

    public SpfTests()
    {
        _dns.Txt["pass.test"] = "v=spf1 ip4:127.0.0.0/8 -all";
        _dns.Txt["fail.test"] = "v=spf1 ip4:192.0.2.1 -all";
        _dns.Txt["softfail.test"] = "v=spf1 ~all";
        _dns.Txt["neutral.test"] = "v=spf1 ?all";
        _dns.Txt["permerror.test"] = "v=spf1 ip4:not-an-address -all";
    }

    public void Dispose() => _dns.Dispose();

    private Task<FilterSmtpHarness> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Filters:Block:Spf:Enabled"] = "true",
            ["Mail:Filters:Block:Spf:Servers:0"] = _dns.Endpoint,
            ["Mail:Filters:Block:Spf:TimeoutSeconds"] = "1",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        return FilterSmtpHarness.StartAsync(settings, spamd: false, clamd: false);
    }

    /// <summary>MAIL FROM <paramref name="sender"/>; returns the MAIL reply, and the stored header when the message got through.</summary>
    private static async Task<(string Mail, string? Header)> SendAsync(FilterSmtpHarness h, string sender)
    {
        await using var client = await WireClient.ConnectAsync(h.Host.Smtp);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync($"MAIL FROM:<{sender}>");
        var mail = await client.ReadReplyAsync();
        if (!mail.StartsWith("250", StringComparison.Ordinal))
        {
            return (mail, null);
        }
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadReplyAsync());
        FilterSmtpHarness.QueueId(await SmtpTestBase.SendDataAsync(client, FilterTestMessages.ToWire(FilterTestMessages.Plain("hi"))));
        var stored = (await h.Host.InboxAsync("alice@example.com")).Concat(await h.Host.MailboxAsync("alice@example.com", "Junk")).Last();
        return (mail, FilterTestMessages.HeaderOf(stored).Replace("\r\n\t", " ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sender@pass.test", "spf=pass smtp.mailfrom=sender@pass.test")]
    [InlineData("sender@fail.test", "spf=fail smtp.mailfrom=sender@fail.test")]
    [InlineData("sender@softfail.test", "spf=softfail smtp.mailfrom=sender@softfail.test")]
    [InlineData("sender@neutral.test", "spf=neutral smtp.mailfrom=sender@neutral.test")]
    [InlineData("sender@none.test", "spf=none smtp.mailfrom=sender@none.test")]
    [InlineData("sender@permerror.test", "spf=permerror smtp.mailfrom=sender@permerror.test")]
    [InlineData("", "spf=none smtp.helo=client.example")]
    public async Task Result_IsReportedInAuthenticationResults(string sender, string expected)
    {
        await using var h = await StartAsync();

        var (mail, header) = await SendAsync(h, sender);

        Assert.Equal("250 2.1.0 Ok", mail);
        Assert.Contains($"Authentication-Results: mx.test.example; {expected}\r\n", header);
    }

    [Fact]
    public async Task Fail_ScoresByDefault()
    {
        await using var h = await StartAsync();

        var (_, header) = await SendAsync(h, "sender@fail.test");

        Assert.Contains("X-Spam-Status: No, score=3.5 required=5.0 tests=SPF:fail", header);
    }

    [Fact]
    public async Task Fail_WithReject_Refused550At_Mail()
    {
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Spf:Fail:Action"] = "Reject" });

        var (mail, _) = await SendAsync(h, "sender@fail.test");

        Assert.Equal("550 5.7.23 Error: SPF check failed (fail)", mail);
    }

    [Fact]
    public async Task TempError_WithTempfail_Refused451()
    {
        _dns.Failing = true;
        await using var h = await StartAsync(new() { ["Mail:Filters:Block:Spf:TempError:Action"] = "Tempfail" });

        var (mail, _) = await SendAsync(h, "sender@pass.test");

        Assert.Equal("451 4.7.24 Error: SPF temporary error, try again later", mail);
    }

    [Fact]
    public async Task TempError_ByDefault_ReportedAndDelivered()
    {
        _dns.Failing = true;
        await using var h = await StartAsync();

        var (_, header) = await SendAsync(h, "sender@pass.test");

        Assert.Contains("spf=temperror smtp.mailfrom=sender@pass.test", header);
    }
}

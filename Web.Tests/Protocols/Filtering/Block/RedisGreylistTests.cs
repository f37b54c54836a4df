using Mail.Web.Tests.Protocols.Smtp;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>
/// Greylisting in Redis (<c>ConnectionStrings:Redis</c>, real Redis from scripts/services.sh: <c>MAIL_TEST_REDIS</c>):
/// two SMTP-in nodes share the triplets, so the retry may reach the other node.
/// </summary>
public sealed class RedisGreylistTests
{
    private static string Redis()
    {
        var redis = Environment.GetEnvironmentVariable("MAIL_TEST_REDIS");
        Assert.False(string.IsNullOrWhiteSpace(redis), "MAIL_TEST_REDIS must name the test Redis (scripts/services.sh env).");
        return redis;
    }

    private static Task<FilterSmtpHarness> StartNodeAsync(TimeProvider time) =>
        FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Filters:Block:Greylisting:Enabled"] = "true",
            ["ConnectionStrings:Redis"] = Redis(),
        }, spamd: false, clamd: false, time: time);

    private static async Task<string> RcptAsync(FilterSmtpHarness node, string sender)
    {
        await using var client = await WireClient.ConnectAsync(node.Host.Smtp);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync($"MAIL FROM:<{sender}>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadReplyAsync());
        await client.SendLineAsync("RCPT TO:<alice@example.com>");
        return await client.ReadReplyAsync();
    }

    [Fact]
    public async Task Greylisting_FirstAttemptOnOneNode_RetryAfterDelayOnTheOtherNodePasses()
    {
        var time = new ManualTimeProvider();
        await using var first = await StartNodeAsync(time);
        await using var second = await StartNodeAsync(time);
        // A sender of its own: the triplets outlive the test in Redis.
        var sender = $"g{Guid.NewGuid():N}@remote.example";

        Assert.StartsWith("451 4.7.1 <alice@example.com>: Recipient address rejected: Greylisted", await RcptAsync(first, sender));
        time.Advance(TimeSpan.FromSeconds(299));
        Assert.StartsWith("451 4.7.1 ", await RcptAsync(second, sender));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("250 2.1.5 Ok", await RcptAsync(second, sender));
        Assert.Equal("250 2.1.5 Ok", await RcptAsync(first, sender));
        // Neither node kept the triplet in its own memory.
        Assert.Equal(0, first.Host.Services.GetRequiredService<Mail.Protocols.Filtering.Block.BlockStage>().Greylist.Count);
        Assert.Equal(0, second.Host.Services.GetRequiredService<Mail.Protocols.Filtering.Block.BlockStage>().Greylist.Count);
    }
}

using System.Globalization;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>Per-destination concurrency (<c>Mail:Outbound:MaxConcurrentPerDomain</c>): deliveries held open at the receiver never exceed it.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Deliveries_ToOneDomain_NeverExceedMaxConcurrentPerDomain()
    {
        await using var receiver = new TestSmtpReceiver(null, null, "8BITMIME") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = await OutboundTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Outbound:Routes:busy.test"] = "127.0.0.1:" + receiver.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Outbound:MaxConcurrentPerDomain"] = "2",
            ["Mail:Outbound:MaxConcurrentDeliveries"] = "10",
            ["Mail:Outbound:CommandTimeoutSeconds"] = "60",
        });
        for (var i = 0; i < 5; i++)
        {
            var reply = await host.SubmitAsync("alice@example.com", [$"user{i}@busy.test"], OutboundTestHost.Message("alice@example.com", $"user{i}@busy.test"));
            Assert.StartsWith("250 2.0.0 Ok: queued as ", reply, StringComparison.Ordinal);
        }
        await OutboundTestHost.WaitUntilAsync(() => Volatile.Read(ref receiver.Waiting) == 2, "two deliveries held open");
        // Three more messages are waiting in the queue: none may start a third session meanwhile.
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(50);
            Assert.True(Volatile.Read(ref receiver.Waiting) <= 2);
        }
        Assert.Empty(receiver.Messages);
        receiver.Gate.SetResult();
        await OutboundTestHost.WaitUntilAsync(() => receiver.Messages.Count == 5 && host.Queue.ReadAll().Count == 0, "every delivery");
        Assert.Equal(2, receiver.MaxWaiting);
    }
}

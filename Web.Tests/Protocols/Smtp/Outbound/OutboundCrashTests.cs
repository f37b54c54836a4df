using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// kill -9 of the real server while it accepts submissions and delivers its queue to smtp-sink, then a restart:
/// every message that got its 250 on Submission reaches the sink at least once (at-least-once, never zero).
/// </summary>
public sealed partial class OutboundCrashTests(ITestOutputHelper output)
{
    private const int Submitters = 3;
    private const int DeliveredBeforeKill = 3;
    private const int BacklogAtKill = 5;
    private const int MessagesPerSubmitter = 15;

    [GeneratedRegex(@"Subject: crash (\d+-\d+)")]
    private static partial Regex SerialPattern();

    [Fact]
    public async Task Kill9_DuringSubmissionAndQueueDelivery_EveryAcknowledgedMessageIsDeliveredAtLeastOnce()
    {
        var port = SmtpSink.FreePort(IPAddress.Loopback);
        // The sink waits 1 s before answering DATA, so a backlog builds up in the queue before the kill.
        await using var sink = await SmtpSink.StartAsync(IPAddress.Loopback, port, "-w", "1");
        await using var server = await MailServerProcess.StartAsync(null, $"--Mail:Outbound:Routes:*=127.0.0.1:{port}", "--Mail:Outbound:FirstRetrySeconds=1", "--Mail:Outbound:MaxConcurrentPerDomain=2");
        await server.AddDomainAsync("example.com");
        await server.AddUserAsync("alice@example.com");

        var acked = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var submitters = Enumerable.Range(1, Submitters).Select(i => Task.Run(() => SubmitUntilFailureAsync(server.SubmissionPort, i, acked, stop.Token))).ToList();

        var deadline = DateTime.UtcNow.AddMinutes(2);
        // Kill once some messages went out and more are acknowledged but still queued (or in delivery).
        while ((sink.Messages().Count < DeliveredBeforeKill || acked.Count < sink.Messages().Count + BacklogAtKill) && !submitters.All(t => t.IsCompleted))
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {sink.Messages().Count} delivered, {acked.Count} acknowledged in 2 minutes\n{server.Log}");
            await Task.Delay(50);
        }
        await server.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(submitters);
        var beforeRestart = sink.Messages().Count;
        output.WriteLine($"killed after {acked.Count} acknowledged submissions, {beforeRestart} deliveries seen by the sink");
        Assert.True(acked.Count > beforeRestart, "no backlog in the queue at the kill: the test proves nothing");

        await server.RestartAsync();
        var ackedSet = acked.ToHashSet(StringComparer.Ordinal);
        deadline = DateTime.UtcNow.AddMinutes(2);
        Dictionary<string, int> seen;
        while (true)
        {
            seen = Serials(sink);
            if (ackedSet.All(seen.ContainsKey))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{ackedSet.Count(a => !seen.ContainsKey(a))} acknowledged messages never delivered\n{server.Log}");
            await Task.Delay(100);
        }
        output.WriteLine($"after restart: {seen.Count} distinct messages delivered, {seen.Values.Sum() - seen.Count} duplicate deliveries, {seen.Count - ackedSet.Count} delivered without an acknowledgement");

        // Whatever the kill cut in half (a DATA in progress, a temp file) is gone once the queue drained.
        var queue = Path.Combine(server.DataPath, "queue");
        deadline = DateTime.UtcNow.AddMinutes(1);
        // Removal deletes the entry, syncs, then deletes the message file: poll both, not one after the other.
        while (Directory.EnumerateFiles(Path.Combine(queue, "entries")).Any() || Directory.EnumerateFiles(Path.Combine(queue, "messages")).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "the queue did not drain: " + string.Join(", ", Directory.EnumerateFiles(queue, "*", SearchOption.AllDirectories)) + "\n" + server.Log);
            await Task.Delay(100);
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(queue, "tmp")));
    }

    private static Dictionary<string, int> Serials(SmtpSink sink)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in sink.Messages())
        {
            var match = SerialPattern().Match(Encoding.UTF8.GetString(message));
            if (match.Success)
            {
                result[match.Groups[1].Value] = result.GetValueOrDefault(match.Groups[1].Value) + 1;
            }
        }
        return result;
    }

    private static async Task SubmitUntilFailureAsync(int port, int submitter, ConcurrentBag<string> acked, CancellationToken stop)
    {
        try
        {
            using var client = new SmtpClient();
#pragma warning disable CA5359 // The test server's certificate is self-signed.
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls, stop);
            await client.AuthenticateAsync("alice@example.com", MailServerProcess.DefaultPassword, stop);
            for (var n = 0; n < MessagesPerSubmitter && !stop.IsCancellationRequested; n++)
            {
                var serial = $"{submitter}-{n}";
                using var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("alice@example.com"));
                message.To.Add(MailboxAddress.Parse($"r{serial}@remote.test"));
                message.Subject = "crash " + serial;
                message.Body = new TextPart("plain") { Text = new string('x', 2000) };
                await client.SendAsync(message, stop);
                acked.Add(serial);
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The kill: whatever was in flight was not acknowledged.
        }
    }
}

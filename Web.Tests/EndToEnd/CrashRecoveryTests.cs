using System.Text;
using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit.Abstractions;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>
/// kill -9 of the real server in the middle of a stream of SMTP deliveries, then a restart on the same data path:
/// "a 250 is a promise" (DESIGN.md) and UIDs never go back.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int MessagesPerSender = 5000;
    private const int AcksBeforeKill = 120;
    private const string User = "alice@example.com";

    [Fact]
    public async Task Kill9_DuringSmtpDeliveries_EveryAcceptedMessageSurvivesByteExact_AndUidNextNeverGoesBack()
    {
        var work = TestPaths.NewTempDirectory("crash");
        await using var server = await MailServerProcess.StartAsync();
        await server.AddDomainAsync("example.com");
        await server.AddUserAsync(User);

        // Four senders stream 10 KB messages, each on its own session.
        var senders = Enumerable.Range(1, Senders)
            .Select(i => ClientScripts.RunPythonAsync("crash_sender.py", "127.0.0.1", server.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                User, $"s{i}", MessagesPerSender.ToString(System.Globalization.CultureInfo.InvariantCulture), work))
            .ToList();

        // Watch UIDNEXT while they run; kill -9 once enough messages were accepted.
        uint uidNextSeen = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (CountAcks(work) < AcksBeforeKill)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {CountAcks(work)} messages accepted in 3 minutes\n{server.Log}");
            Assert.False(senders.All(s => s.IsCompleted), $"every sender stopped after {CountAcks(work)} acks\n{string.Join('\n', senders.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.StandardOutput))}");
            uidNextSeen = Math.Max(uidNextSeen, await UidNextAsync(server.ImapPort));
            await Task.Delay(100);
        }
        uidNextSeen = Math.Max(uidNextSeen, await UidNextAsync(server.ImapPort));
        await server.KillAsync();
        var results = await Task.WhenAll(senders);
        var acked = Directory.EnumerateFiles(work, "*.acks").SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToList();
        output.WriteLine($"killed after {acked.Count} accepted messages (UIDNEXT seen before the kill: {uidNextSeen}); senders: {string.Join("; ", results.Select(r => r.StandardOutput.Trim()))}");

        await server.RestartAsync();
        var uidNextAfter = await UidNextAsync(server.ImapPort);
        var stored = await FetchAllAsync(server.ImapPort);
        output.WriteLine($"after restart: {stored.Count} messages in INBOX, UIDNEXT {uidNextAfter}");

        // Every message in the mailbox is one that was sent, whole (nothing half-delivered is visible).
        var bySerial = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
        foreach (var (uid, bytes) in stored)
        {
            var serial = SerialOf(bytes);
            Assert.True(serial is not null, $"UID {uid} has no X-Serial header:\n{Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 600)])}");
            var sent = await File.ReadAllBytesAsync(Path.Combine(work, serial + ".eml"));
            var why = TraceHeaders.Mismatch(sent, bytes);
            Assert.True(why is null, $"UID {uid} ({serial}) differs from what was sent: {why}");
            bySerial.TryAdd(serial, []);
            bySerial[serial].Add(uid);
        }

        // Every 250 is in the mailbox; UIDs are unique and UIDNEXT did not go back.
        var lost = acked.Where(a => !bySerial.ContainsKey(a)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} messages got 250 and are not in the mailbox after the restart: {string.Join(", ", lost.Take(20))}");
        Assert.Equal(stored.Count, stored.Select(s => s.Uid).Distinct().Count());
        Assert.True(uidNextAfter >= uidNextSeen, $"UIDNEXT went back: {uidNextSeen} before the kill, {uidNextAfter} after the restart");
        Assert.True(stored.Count == 0 || uidNextAfter > stored.Max(s => s.Uid), $"UIDNEXT {uidNextAfter} is not above the highest UID {stored.Max(s => s.Uid)}");
        var duplicates = bySerial.Where(p => p.Value.Count > 1).ToList();
        output.WriteLine($"{acked.Count}/{acked.Count} accepted messages present byte-exact; {stored.Count - acked.Count} more were stored without their 250 reaching the client; {duplicates.Count} serials stored twice");

        // The restarted server goes on: a new delivery gets a UID above everything before.
        var after = await ClientScripts.RunPythonAsync("crash_sender.py", "127.0.0.1", server.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), User, "after", "1", work);
        Assert.Contains("after-1", await File.ReadAllTextAsync(Path.Combine(work, "after.acks")));
        var final = await FetchAllAsync(server.ImapPort);
        var newUid = final.Single(s => SerialOf(s.Bytes) == "after-1").Uid;
        Assert.True(newUid >= uidNextAfter, $"the first UID after the restart is {newUid}, below UIDNEXT {uidNextAfter}");
        Directory.Delete(work, recursive: true);
    }

    private static int CountAcks(string folder) =>
        Directory.EnumerateFiles(folder, "*.acks").Sum(f => File.ReadAllLines(f).Count(l => l.Length > 0));

    private static string? SerialOf(byte[] message)
    {
        var text = Encoding.ASCII.GetString(message, 0, Math.Min(message.Length, 4096));
        var at = text.IndexOf("\r\nX-Serial: ", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var start = at + "\r\nX-Serial: ".Length;
        return text[start..text.IndexOf('\r', start)];
    }

    private static async Task<uint> UidNextAsync(int port)
    {
        using var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, MailServerProcess.DefaultPassword);
        await client.Inbox.StatusAsync(StatusItems.UidNext);
        var next = client.Inbox.UidNext?.Id ?? 0;
        await client.DisconnectAsync(quit: true);
        return next;
    }

    private static async Task<List<(uint Uid, byte[] Bytes)>> FetchAllAsync(int port)
    {
        using var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, MailServerProcess.DefaultPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        var messages = new List<(uint, byte[])>();
        foreach (var uid in uids)
        {
            await using var stream = await client.Inbox.GetStreamAsync(uid, "");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            messages.Add((uid.Id, buffer.ToArray()));
        }
        await client.DisconnectAsync(quit: true);
        return messages;
    }
}

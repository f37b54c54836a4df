using System.Collections.Concurrent;
using System.Text;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.EndToEnd.Crash;

/// <summary>
/// kill -9 of the real server while five clients loop over APPEND, STORE, EXPUNGE, MOVE and COPY, at a random point,
/// several times, restarting on the same data path each time. After every restart: UIDVALIDITY is the same, a UID a
/// client saw always names the same message, UIDNEXT never went back and is above every UID, and each command took
/// effect whole or not at all (a message moved is in exactly one of source and target; a batch copied, stored,
/// expunged or moved is all done or all undone; a message APPENDed is there whole, and there for sure once OK'd).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ImapCrashInvariantTests(ITestOutputHelper output)
{
    private const string User = "crash@example.com";
    private const int Rounds = 4;
    private const int Batch = 3;
    private static readonly string[] s_mailboxes = ["INBOX", "Store", "Expunge", "MoveSrc", "MoveDst", "CopySrc", "CopyDst"];

    private readonly ConcurrentDictionary<(string Mailbox, uint Uid), string> _uidNames = new();
    private readonly Dictionary<string, uint> _uidValidity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _uidNext = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appendAcked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appendTried = new(StringComparer.Ordinal);
    private readonly HashSet<string> _moveAll = new(StringComparer.Ordinal);
    private readonly HashSet<string> _movedAcked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _copyAll = new(StringComparer.Ordinal);
    private readonly HashSet<string> _copiedAcked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expungedAcked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expungeAll = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keywordsAcked = new(StringComparer.Ordinal);
    private readonly Random _random = new(20261130);
    private int _serial;

    /// <summary>The command each loop had sent and not yet seen answered when the server died: (kind, names or keyword).</summary>
    private readonly ConcurrentDictionary<string, string[]> _inFlight = new(StringComparer.Ordinal);

    [Fact]
    public async Task Kill9_DuringAppendStoreExpungeMoveCopy_UidsNeverReused_UidNextNeverBack_EachCommandAllOrNothing()
    {
        await using var server = await MailServerProcess.StartAsync();
        await server.AddDomainAsync("example.com");
        await server.AddUserAsync(User);

        for (var round = 1; round <= Rounds; round++)
        {
            await RefillAsync(server.ImapPort);
            await CheckAsync(server.ImapPort, $"before round {round}", inFlightPossible: false);
            _inFlight.Clear();
            var ops = new int[1];
            using var stop = new CancellationTokenSource();
            var loops = new[]
            {
                LoopAsync(server.ImapPort, "append", AppendOnceAsync, ops, stop.Token),
                LoopAsync(server.ImapPort, "store", StoreOnceAsync, ops, stop.Token),
                LoopAsync(server.ImapPort, "expunge", ExpungeOnceAsync, ops, stop.Token),
                LoopAsync(server.ImapPort, "move", MoveOnceAsync, ops, stop.Token),
                LoopAsync(server.ImapPort, "copy", CopyOnceAsync, ops, stop.Token),
            };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            var target = 10 + _random.Next(40);
            while (Volatile.Read(ref ops[0]) < target && DateTime.UtcNow < deadline && !loops.All(l => l.IsCompleted))
            {
                await Task.Delay(20);
            }
            await Task.Delay(_random.Next(0, 200));
            await server.KillAsync();
            var done = Volatile.Read(ref ops[0]);
            await stop.CancelAsync();
            var failures = (await Task.WhenAll(loops)).Where(f => f is not null).ToList();
            output.WriteLine($"round {round}: killed after {done} commands; in flight: {string.Join("; ", _inFlight.Select(p => p.Key + " " + string.Join(',', p.Value)))}");
            Assert.True(done >= target, $"only {done} commands in 2 minutes: {string.Join("\n", failures)}\n{server.Log}");

            await server.RestartAsync();
            await CheckAsync(server.ImapPort, $"after kill {round}", inFlightPossible: true);
        }
        output.WriteLine($"appends acked {_appendAcked.Count}, moved {_movedAcked.Count}, copied {_copiedAcked.Count}, expunged {_expungedAcked.Count}, keywords {_keywordsAcked.Count}");
    }

    /// <summary>Runs one kind of command until the server dies; returns the error that ended it (null when stopped first).</summary>
    private async Task<string?> LoopAsync(int port, string kind, Func<ImapClient, string, Task> once, int[] ops, CancellationToken stop)
    {
        try
        {
            using var client = await ConnectAsync(port);
            while (!stop.IsCancellationRequested)
            {
                await once(client, kind);
                _inFlight.TryRemove(kind, out _);
                Interlocked.Increment(ref ops[0]);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or ImapProtocolException or ImapCommandException or ServiceNotConnectedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return $"{kind}: {e.GetType().Name}: {e.Message}";
        }
    }

    private async Task AppendOnceAsync(ImapClient client, string kind)
    {
        var name = NewName("a");
        lock (_appendTried)
        {
            _appendTried.Add(name);
        }
        _inFlight[kind] = [name];
        var uid = await client.Inbox.AppendAsync(new AppendRequest(NewMessage(name)));
        lock (_appendAcked)
        {
            _appendAcked.Add(name);
        }
        if (uid is { } u)
        {
            Remember("INBOX", u.Id, name);
        }
    }

    private async Task StoreOnceAsync(ImapClient client, string kind)
    {
        var folder = await OpenAsync(client, "Store");
        var keyword = NewName("k");
        _inFlight[kind] = [keyword];
        await folder.StoreAsync(UniqueIdRange.All, new StoreFlagsRequest(StoreAction.Add, [keyword]) { Silent = true });
        lock (_keywordsAcked)
        {
            _keywordsAcked.Add(keyword);
        }
    }

    private async Task ExpungeOnceAsync(ImapClient client, string kind)
    {
        var folder = await OpenAsync(client, "Expunge");
        var batch = await LowestAsync(folder);
        if (batch.Count == 0)
        {
            await Task.Delay(50);
            return;
        }
        _inFlight[kind] = [.. batch.Select(b => b.Name)];
        await folder.StoreAsync(batch.Select(b => b.Uid).ToList(), new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true });
        await folder.ExpungeAsync();
        lock (_expungedAcked)
        {
            _expungedAcked.UnionWith(batch.Select(b => b.Name));
        }
    }

    private async Task MoveOnceAsync(ImapClient client, string kind)
    {
        var source = await OpenAsync(client, "MoveSrc");
        var batch = await LowestAsync(source);
        if (batch.Count == 0)
        {
            await Task.Delay(50);
            return;
        }
        _inFlight[kind] = [.. batch.Select(b => b.Name)];
        var map = await source.MoveToAsync(batch.Select(b => b.Uid).ToList(), client.GetFolder("MoveDst"));
        lock (_movedAcked)
        {
            _movedAcked.UnionWith(batch.Select(b => b.Name));
        }
        RememberMap("MoveDst", batch, map);
    }

    private int _copyNext;

    private async Task CopyOnceAsync(ImapClient client, string kind)
    {
        var source = await OpenAsync(client, "CopySrc");
        var all = await ListAsync(source);
        var batch = all.Skip(_copyNext).Take(Batch).ToList();
        if (batch.Count == 0)
        {
            await Task.Delay(50);
            return;
        }
        _inFlight[kind] = [.. batch.Select(b => b.Name)];
        var map = await source.CopyToAsync(batch.Select(b => b.Uid).ToList(), client.GetFolder("CopyDst"));
        _copyNext += batch.Count;
        lock (_copiedAcked)
        {
            _copiedAcked.UnionWith(batch.Select(b => b.Name));
        }
        RememberMap("CopyDst", batch, map);
    }

    /// <summary>Reads every mailbox and checks the invariants; refreshes UIDVALIDITY/UIDNEXT and the UID → name map.</summary>
    private async Task CheckAsync(int port, string when, bool inFlightPossible)
    {
        using var client = await ConnectAsync(port);
        var contents = new Dictionary<string, List<(uint Uid, string Name)>>(StringComparer.Ordinal);
        foreach (var mailbox in s_mailboxes)
        {
            var folder = client.GetFolder(mailbox);
            await folder.StatusAsync(StatusItems.UidNext | StatusItems.UidValidity);
            var validity = folder.UidValidity;
            var next = folder.UidNext?.Id ?? 0;
            if (_uidValidity.TryGetValue(mailbox, out var oldValidity))
            {
                Assert.True(validity == oldValidity, $"{when}: UIDVALIDITY of {mailbox} changed {oldValidity} -> {validity}");
            }
            _uidValidity[mailbox] = validity;
            if (_uidNext.TryGetValue(mailbox, out var oldNext))
            {
                Assert.True(next >= oldNext, $"{when}: UIDNEXT of {mailbox} went back {oldNext} -> {next}");
            }
            var uidsSeen = _uidNames.Keys.Where(k => k.Mailbox == mailbox).Select(k => k.Uid).DefaultIfEmpty(0u).Max();
            Assert.True(next > uidsSeen, $"{when}: UIDNEXT of {mailbox} is {next}, not above UID {uidsSeen} a client was given");
            _uidNext[mailbox] = next;

            await folder.OpenAsync(FolderAccess.ReadOnly);
            var messages = new List<(uint, string)>();
            if (folder.Count > 0)
            {
                foreach (var summary in await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Size))
                {
                    using var stream = await folder.GetStreamAsync(summary.UniqueId, "");
                    using var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer);
                    var text = Encoding.ASCII.GetString(buffer.ToArray());
                    var name = NameOf(text) ?? throw new Xunit.Sdk.XunitException($"{when}: {mailbox} UID {summary.UniqueId} has no X-Crash-Name");
                    Assert.True(text.EndsWith($"end of {name}\r\n", StringComparison.Ordinal), $"{when}: {mailbox} UID {summary.UniqueId} ({name}) is not whole: {text.Length} octets");
                    Assert.True(summary.Uid() < next, $"{when}: {mailbox} UID {summary.UniqueId} is not below UIDNEXT {next}");
                    var known = _uidNames.GetOrAdd((mailbox, summary.UniqueId.Id), name);
                    Assert.True(known == name, $"{when}: UID {summary.UniqueId} of {mailbox} was {known} and is now {name}: a UID was reused");
                    messages.Add((summary.UniqueId.Id, name));
                    if (mailbox == "Store")
                    {
                        CheckKeywords(when, inFlightPossible, name, summary.Keywords);
                    }
                }
            }
            await folder.CloseAsync();
            contents[mailbox] = messages;
        }
        await client.DisconnectAsync(quit: true);

        static int Count(List<(uint Uid, string Name)> box, string name) => box.Count(m => m.Name == name);
        var inFlightAppend = inFlightPossible && _inFlight.TryGetValue("append", out var a) ? a[0] : null;
        foreach (var name in _appendTried)
        {
            var n = Count(contents["INBOX"], name);
            Assert.True(n == 1 || (n == 0 && !_appendAcked.Contains(name) && name == inFlightAppend), $"{when}: APPEND of {name} (acked: {_appendAcked.Contains(name)}) is there {n} times");
        }
        AllOrNothing(when, "MOVE", inFlightPossible ? _inFlight.GetValueOrDefault("move") : null, name => Count(contents["MoveDst"], name), _movedAcked);
        foreach (var name in _moveAll)
        {
            Assert.True(Count(contents["MoveSrc"], name) + Count(contents["MoveDst"], name) == 1,
                $"{when}: {name} is {Count(contents["MoveSrc"], name)} times in MoveSrc and {Count(contents["MoveDst"], name)} times in MoveDst");
        }
        AllOrNothing(when, "COPY", inFlightPossible ? _inFlight.GetValueOrDefault("copy") : null, name => Count(contents["CopyDst"], name), _copiedAcked);
        foreach (var name in _copyAll)
        {
            Assert.True(Count(contents["CopySrc"], name) == 1, $"{when}: COPY source {name} is {Count(contents["CopySrc"], name)} times in CopySrc");
            Assert.True(Count(contents["CopyDst"], name) <= 1, $"{when}: {name} was copied {Count(contents["CopyDst"], name)} times");
        }
        AllOrNothing(when, "EXPUNGE", inFlightPossible ? _inFlight.GetValueOrDefault("expunge") : null, name => 1 - Count(contents["Expunge"], name), _expungedAcked);
        foreach (var name in _expungeAll.Except(_expungedAcked))
        {
            var inFlight = inFlightPossible && _inFlight.TryGetValue("expunge", out var e) && e.Contains(name);
            Assert.True(inFlight || Count(contents["Expunge"], name) == 1, $"{when}: {name} was never expunged and is {Count(contents["Expunge"], name)} times in Expunge");
        }

        // The commands in flight are settled now: what took effect counts as done from here on.
        if (inFlightPossible)
        {
            if (inFlightAppend is not null && Count(contents["INBOX"], inFlightAppend) == 0)
            {
                _appendTried.Remove(inFlightAppend);
            }
            if (_inFlight.TryGetValue("move", out var moved) && Count(contents["MoveDst"], moved[0]) == 1)
            {
                _movedAcked.UnionWith(moved);
            }
            if (_inFlight.TryGetValue("copy", out var copied) && Count(contents["CopyDst"], copied[0]) == 1)
            {
                _copiedAcked.UnionWith(copied);
                _copyNext += copied.Length;
            }
            if (_inFlight.TryGetValue("expunge", out var expunged) && Count(contents["Expunge"], expunged[0]) == 0)
            {
                _expungedAcked.UnionWith(expunged);
            }
            if (_inFlight.TryGetValue("store", out var stored) && _keywordState.TryGetValue(stored[0] + when, out var has) && has)
            {
                _keywordsAcked.Add(stored[0]);
            }
        }
    }

    /// <summary>A batch command: every acked name has count 1, others 0, and the batch in flight all 0 or all 1.</summary>
    private void AllOrNothing(string when, string command, string[]? inFlight, Func<string, int> done, HashSet<string> acked)
    {
        foreach (var name in acked)
        {
            Assert.True(done(name) == 1, $"{when}: {command} of {name} was acknowledged and is undone");
        }
        if (inFlight is not null)
        {
            var states = inFlight.Select(done).Distinct().ToList();
            Assert.True(states.Count == 1, $"{when}: {command} of {string.Join(',', inFlight)} was half done: {string.Join(',', inFlight.Select(done))}");
        }
    }

    private readonly Dictionary<string, bool> _keywordState = new(StringComparer.Ordinal);

    private void CheckKeywords(string when, bool inFlightPossible, string message, IReadOnlySet<string>? keywords)
    {
        keywords ??= new HashSet<string>();
        foreach (var keyword in _keywordsAcked)
        {
            Assert.True(keywords.Contains(keyword), $"{when}: {message} lacks the acknowledged keyword {keyword}");
        }
        if (inFlightPossible && _inFlight.TryGetValue("store", out var k))
        {
            // The STORE in flight: the same answer on every message of the mailbox.
            var has = keywords.Contains(k[0]);
            if (_keywordState.TryGetValue(k[0] + when, out var first))
            {
                Assert.True(first == has, $"{when}: STORE +FLAGS ({k[0]}) reached some messages of Store and not others");
            }
            _keywordState[k[0] + when] = has;
        }
    }

    /// <summary>Tops up the source mailboxes so every loop has work for the next round.</summary>
    private async Task RefillAsync(int port)
    {
        using var client = await ConnectAsync(port);
        foreach (var mailbox in s_mailboxes.Skip(1))
        {
            if (!(await client.GetFolder(client.PersonalNamespaces[0]).GetSubfoldersAsync()).Any(f => f.FullName == mailbox))
            {
                await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(mailbox, isMessageFolder: true);
            }
        }
        async Task FillAsync(string mailbox, int count, HashSet<string> names)
        {
            var folder = client.GetFolder(mailbox);
            await folder.StatusAsync(StatusItems.Count);
            for (var i = folder.Count; i < count; i++)
            {
                var name = NewName(mailbox);
                var uid = await folder.AppendAsync(new AppendRequest(NewMessage(name)));
                names.Add(name);
                if (uid is { } u)
                {
                    Remember(mailbox, u.Id, name);
                }
            }
        }
        await FillAsync("Store", 8, []);
        await FillAsync("Expunge", 60, _expungeAll);
        await FillAsync("MoveSrc", 60, _moveAll);
        var copySource = client.GetFolder("CopySrc");
        await copySource.StatusAsync(StatusItems.Count);
        await FillAsync("CopySrc", copySource.Count + 60, _copyAll);
        await client.DisconnectAsync(quit: true);
    }

    private static async Task<IMailFolder> OpenAsync(ImapClient client, string mailbox)
    {
        var folder = client.GetFolder(mailbox);
        if (!folder.IsOpen)
        {
            await folder.OpenAsync(FolderAccess.ReadWrite);
        }
        return folder;
    }

    private static async Task<List<(UniqueId Uid, string Name)>> ListAsync(IMailFolder folder)
    {
        if (folder.Count == 0)
        {
            await folder.CheckAsync();
        }
        if (folder.Count == 0)
        {
            return [];
        }
        var summaries = await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId) { Headers = new HeaderSet(["X-Crash-Name"]) });
        return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => (s.UniqueId, s.Headers?["X-Crash-Name"]?.Trim() ?? "?"))];
    }

    private static async Task<List<(UniqueId Uid, string Name)>> LowestAsync(IMailFolder folder) => [.. (await ListAsync(folder)).Take(Batch)];

    private void RememberMap(string mailbox, List<(UniqueId Uid, string Name)> batch, UniqueIdMap map)
    {
        foreach (var (uid, name) in batch)
        {
            if (map.TryGetValue(uid, out var destination))
            {
                Remember(mailbox, destination.Id, name);
            }
        }
    }

    private void Remember(string mailbox, uint uid, string name)
    {
        var known = _uidNames.GetOrAdd((mailbox, uid), name);
        Assert.True(known == name, $"the server gave UID {uid} in {mailbox} to {name}, and before to {known}");
    }

    private string NewName(string prefix) => $"{prefix}{Interlocked.Increment(ref _serial)}";

    private static MimeMessage NewMessage(string name)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Crash", "crash@example.com"));
        message.To.Add(new MailboxAddress("Crash", User));
        message.Subject = "crash " + name;
        message.Headers.Add("X-Crash-Name", name);
        message.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("filler line of a crash test message\r\n", 100)) + $"end of {name}\r\n" };
        return message;
    }

    private static string? NameOf(string text)
    {
        var at = text.IndexOf("X-Crash-Name: ", StringComparison.Ordinal);
        return at < 0 ? null : text[(at + "X-Crash-Name: ".Length)..text.IndexOf('\r', at)];
    }

    private static async Task<ImapClient> ConnectAsync(int port)
    {
        var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, MailServerProcess.DefaultPassword);
        return client;
    }
}

internal static class SummaryExtensions
{
    public static uint Uid(this IMessageSummary summary) => summary.UniqueId.Id;
}

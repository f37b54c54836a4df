using Mail.Protocols.Smtp.Outbound;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>The queue's files: commit point, recovery after a crash, control requests.</summary>
public sealed class QueueStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mail-queue-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_path, recursive: true);

    [Fact]
    public async Task Enqueue_CommitsMessageAndEntry_RecoverReturnsIt()
    {
        var store = new OutboundQueueStore(_path);
        using var message = new MemoryStream("Subject: x\r\n\r\nbody\r\n"u8.ToArray());
        var entry = await store.EnqueueAsync("alice@example.com", ["a@remote.test", "b@remote.test"], "alice@example.com", message, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(OutboundQueueStore.IsValidId(entry.Id));

        var (entries, orphans) = new OutboundQueueStore(_path).Recover();
        var recovered = Assert.Single(entries);
        Assert.Empty(orphans);
        Assert.Equal(entry.Id, recovered.Id);
        Assert.Equal(2, recovered.Recipients.Count);
        Assert.Equal(message.Length, recovered.Size);
        await using var file = store.OpenMessage(entry.Id);
        Assert.Equal(message.Length, file.Length);
    }

    [Fact]
    public void Recover_DropsUnacknowledgedMessagesAndTempFiles()
    {
        var store = new OutboundQueueStore(_path);
        // A crash after the message rename but before the entry: never acknowledged.
        File.WriteAllText(Path.Combine(store.Root, "messages", "20261130120000000BBBBBBBBBB.eml"), "x");
        File.WriteAllText(Path.Combine(store.Root, "tmp", "half.json"), "{");
        var (entries, _) = store.Recover();
        Assert.Empty(entries);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.Root, "messages")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.Root, "tmp")));
    }

    [Fact]
    public async Task Recover_EntryWithoutMessage_IsReportedAndDropped()
    {
        var store = new OutboundQueueStore(_path);
        using var message = new MemoryStream("x"u8.ToArray());
        var entry = await store.EnqueueAsync("alice@example.com", ["a@remote.test"], null, message, DateTimeOffset.UtcNow, CancellationToken.None);
        File.Delete(Path.Combine(store.Root, "messages", entry.Id + ".eml"));
        var (entries, orphans) = store.Recover();
        Assert.Empty(entries);
        Assert.Equal([entry.Id], orphans);
    }

    [Fact]
    public void ControlRequests_StayUntilCompletedAndUnknownVerbsAreRefused()
    {
        var store = new OutboundQueueStore(_path);
        var path = store.RequestControl("20261130120000000BBBBBBBBBB", "hold");
        Assert.Throws<ArgumentException>(() => store.RequestControl("20261130120000000BBBBBBBBBB", "rm -rf"));
        Assert.Throws<ArgumentException>(() => store.RequestControl("../../etc", "delete"));
        Assert.Equal([("20261130120000000BBBBBBBBBB", "hold", path)], store.ListControlRequests());
        Assert.True(File.Exists(path));
        OutboundQueueStore.CompleteControl(path);
        Assert.Empty(store.ListControlRequests());
    }
}

using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Quarantine;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Filtering.Quarantine;

public sealed class SqliteQuarantineStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly string _dir = TestPaths.NewTempDirectory("quarantine");
    private readonly SqliteQuarantineStore _store;

    public SqliteQuarantineStoreTests()
    {
        var options = new FilterOptions { Quarantine = new QuarantineOptions { RetentionDays = 7 } };
        _store = new SqliteQuarantineStore(Options.Create(new MailOptions { DataPath = _dir }), Options.Create(options), TimeProvider.System);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<IReadOnlyList<QuarantineEntry>> HoldAsync(DateTimeOffset at, params string[] accounts) =>
        _store.HoldAsync(new QuarantineHold(accounts, "QID" + at.Ticks, QuarantineReason.Virus, "Test.Virus", null, "s@remote.example", "S <s@remote.example>", "hello", at),
            new MemoryStream(Encoding.ASCII.GetBytes("Subject: hello\r\n\r\nbody\r\n")), CancellationToken.None);

    private int MessageFiles() => Directory.GetFiles(Path.Combine(_store.Directory, "messages")).Length;

    [Fact]
    public async Task Hold_WritesOneFileForAllRecipientsAndExpiresAfterRetention()
    {
        var entries = await HoldAsync(T0, "alice@example.com", "Bob@Example.com");

        Assert.Equal(["alice@example.com", "bob@example.com"], entries.Select(e => e.Account));
        Assert.All(entries, e => Assert.Equal(T0.AddDays(7), e.ExpiresAt));
        Assert.Equal(1, MessageFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Directory, "messages"), "*.tmp"));
    }

    [Fact]
    public async Task Purge_BeforeExpiry_KeepsEverything()
    {
        await HoldAsync(T0, "alice@example.com");

        Assert.Equal(0, await _store.PurgeExpiredAsync(T0.AddDays(7).AddSeconds(-1), CancellationToken.None));

        Assert.Single(await _store.ListAsync(null, CancellationToken.None));
        Assert.Equal(1, MessageFiles());
    }

    [Fact]
    public async Task Purge_AfterExpiry_DeletesEntriesAndFiles()
    {
        await HoldAsync(T0, "alice@example.com", "bob@example.com");
        await HoldAsync(T0.AddDays(5), "alice@example.com");

        Assert.Equal(2, await _store.PurgeExpiredAsync(T0.AddDays(8), CancellationToken.None));

        var left = Assert.Single(await _store.ListAsync(null, CancellationToken.None));
        Assert.Equal(T0.AddDays(5), left.ReceivedAt);
        Assert.Equal(1, MessageFiles());
    }

    [Fact]
    public async Task Release_ClaimedOnce_EvenWhenAskedTwice()
    {
        var entry = (await HoldAsync(T0, "alice@example.com"))[0];

        Assert.Equal(QuarantineChange.ReleaseRequested, await _store.RequestReleaseAsync("alice@example.com", entry.Id, CancellationToken.None));
        Assert.Equal(QuarantineChange.AlreadyReleased, await _store.RequestReleaseAsync(null, entry.Id, CancellationToken.None));
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.ClaimReleaseAsync(CancellationToken.None)));

        Assert.Single(claims, c => c is not null);
        Assert.Equal(QuarantineChange.Busy, await _store.DeleteAsync("alice@example.com", entry.Id, CancellationToken.None));
        await _store.CompleteReleaseAsync(entry.Id, 7, null, T0.AddHours(1), CancellationToken.None);
        var released = await _store.FindAsync("alice@example.com", entry.Id, CancellationToken.None);
        Assert.Equal((QuarantineState.Released, 7u), (released!.State, released.ReleasedUid));
        Assert.Null(_store.OpenMessage(released));
        Assert.Null(await _store.ClaimReleaseAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Release_Failed_BackToHeldWithTheReason()
    {
        var entry = (await HoldAsync(T0, "alice@example.com"))[0];
        await _store.RequestReleaseAsync("alice@example.com", entry.Id, CancellationToken.None);
        await _store.ClaimReleaseAsync(CancellationToken.None);

        await _store.CompleteReleaseAsync(entry.Id, 0, "delivery refused: OverQuota", T0, CancellationToken.None);

        var held = await _store.FindAsync(null, entry.Id, CancellationToken.None);
        Assert.Equal((QuarantineState.Held, "delivery refused: OverQuota"), (held!.State, held.LastError));
        Assert.NotNull(_store.OpenMessage(held));
        Assert.Equal(QuarantineChange.ReleaseRequested, await _store.RequestReleaseAsync("alice@example.com", entry.Id, CancellationToken.None));
    }

    [Fact]
    public async Task List_LongerThanMaxListed_NewestFirstCut()
    {
        var options = new FilterOptions { Quarantine = new QuarantineOptions { MaxListed = 2 } };
        using var store = new SqliteQuarantineStore(Options.Create(new MailOptions { DataPath = _dir }), Options.Create(options), TimeProvider.System);
        for (var i = 0; i < 3; i++)
        {
            await HoldAsync(T0.AddMinutes(i), "alice@example.com");
        }

        var listed = await store.ListAsync("alice@example.com", CancellationToken.None);

        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(1)], listed.Select(e => e.ReceivedAt));
    }

    [Fact]
    public void Options_DomainOrWildcard()
    {
        var options = new QuarantineOptions();
        options.Domains["Example.com"] = new QuarantineDomainOptions { SpamScore = 12 };
        options.Domains["*"] = new QuarantineDomainOptions { Viruses = true };

        Assert.Equal(12, options.For("alice@example.COM")?.SpamScore);
        Assert.Null(options.For("x@other.example")?.SpamScore);
        Assert.NotNull(options.For("x@other.example"));
        Assert.Null(new QuarantineOptions().For("alice@example.com"));
    }
}

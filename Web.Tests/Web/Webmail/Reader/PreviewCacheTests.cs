using Mail.Web.Webmail;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary><see cref="WebmailPreviewCache"/> alone: its size bound, its sliding expiry on the injected clock, and its end with the session.</summary>
public sealed class PreviewCacheTests
{
    private static WebmailPreviewKey Key(int item, string address = "a@example.com") => new(Guid.NewGuid(), address, "INBOX", 7, 1, 0, item);

    private static WebmailPreviewCache Cache(FakeTimeProvider clock, long octets = 1000, int minutes = 10) =>
        new(Options.Create(new WebmailPdfPreviewOptions { CacheOctets = octets, CacheMinutes = minutes }), clock);

    [Fact]
    public void Entries_StayWithinTheSizeBound_AndOneBiggerThanTheCacheIsNotKept()
    {
        using var cache = Cache(new FakeTimeProvider());
        var keys = Enumerable.Range(1, 5).Select(i => Key(i)).ToList();
        foreach (var key in keys)
        {
            cache.Set(key, new byte[400], 400, CancellationToken.None);
        }
        var kept = keys.Count(k => cache.TryGet<byte[]>(k, out _));
        Assert.InRange(kept, 1, 2);
        var big = Key(9);
        cache.Set(big, new byte[1001], 1001, CancellationToken.None);
        Assert.False(cache.TryGet<byte[]>(big, out _));
    }

    [Fact]
    public void Entries_ExpireAfterTheirLastUse_OnTheInjectedClock()
    {
        var clock = new FakeTimeProvider();
        using var cache = Cache(clock, minutes: 10);
        var used = Key(1);
        var idle = Key(2);
        cache.Set(used, new byte[10], 10, CancellationToken.None);
        cache.Set(idle, new byte[10], 10, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(cache.TryGet<byte[]>(used, out _));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(cache.TryGet<byte[]>(used, out _));
        Assert.False(cache.TryGet<byte[]>(idle, out _));
    }

    [Fact]
    public async Task Entries_GoWhenTheirSessionEnds_AndNoneAreKeptForAnEndedSessionOrWithTheCacheOff()
    {
        using var cache = Cache(new FakeTimeProvider());
        using var session = new CancellationTokenSource();
        var key = Key(1, "b@example.com");
        cache.Set(key, new byte[10], 10, session.Token);
        Assert.True(cache.TryGet<byte[]>(key, out _));
        await session.CancelAsync();
        Assert.False(cache.TryGet<byte[]>(key, out _));
        var late = Key(2, "b@example.com");
        cache.Set(late, new byte[10], 10, session.Token);
        Assert.False(cache.TryGet<byte[]>(late, out _));

        using var off = Cache(new FakeTimeProvider(), octets: 0);
        var offKey = Key(3);
        off.Set(offKey, new byte[10], 10, CancellationToken.None);
        Assert.False(off.TryGet<byte[]>(offKey, out _));
    }
}

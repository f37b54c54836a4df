using System.Net;
using Mail.Protocols.Filtering.Block;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>Greylisting of (network, sender, recipient) triplets, driven by a manual clock.</summary>
public sealed class GreylistTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly ManualTimeProvider _time = new();

    private Greylist Create(int maxEntries = 1000) => new(new GreylistOptions { Enabled = true, DelaySeconds = 300, RetryWindowHours = 48, PassLifetimeDays = 36, MaxEntries = maxEntries }, _time);

    [Fact]
    public void FirstAttempt_IsGreylistedForTheDelay()
    {
        var greylist = Create();

        Assert.Equal(TimeSpan.FromSeconds(300), greylist.Check(Client, "a@remote.example", "alice@example.com"));
    }

    [Fact]
    public void RetryBeforeDelay_StillGreylisted_WithRemainingTime()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromSeconds(120));

        Assert.Equal(TimeSpan.FromSeconds(180), greylist.Check(Client, "a@remote.example", "alice@example.com"));
    }

    [Fact]
    public void RetryAfterDelay_Passes_AndLaterMessagesPassAtOnce()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromSeconds(300));

        Assert.Null(greylist.Check(Client, "a@remote.example", "alice@example.com"));
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Null(greylist.Check(Client, "A@Remote.Example", "Alice@Example.com"));
    }

    [Fact]
    public void RetryFromSameSlash24_Passes_OtherNetworkIsNewTriplet()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(greylist.Check(IPAddress.Parse("192.0.2.200"), "a@remote.example", "alice@example.com"));
        Assert.NotNull(greylist.Check(IPAddress.Parse("192.0.3.10"), "a@remote.example", "alice@example.com"));
    }

    [Fact]
    public void OtherSenderOrRecipient_IsNewTriplet()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromMinutes(10));
        greylist.Check(Client, "a@remote.example", "alice@example.com");

        Assert.NotNull(greylist.Check(Client, "b@remote.example", "alice@example.com"));
        Assert.NotNull(greylist.Check(Client, "a@remote.example", "bob@example.com"));
    }

    [Fact]
    public void RetryAfterWindow_StartsOver()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromHours(49));

        Assert.Equal(TimeSpan.FromSeconds(300), greylist.Check(Client, "a@remote.example", "alice@example.com"));
    }

    [Fact]
    public void PassedTripletUnusedPastLifetime_IsGreylistedAgain()
    {
        var greylist = Create();
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromMinutes(6));
        greylist.Check(Client, "a@remote.example", "alice@example.com");
        _time.Advance(TimeSpan.FromDays(37));

        Assert.NotNull(greylist.Check(Client, "a@remote.example", "alice@example.com"));
    }

    [Fact]
    public void Ipv6_UsesTheSlash64()
    {
        Assert.Equal("2001:db8:1:2::/64", Greylist.Network(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal("192.0.2.0/24", Greylist.Network(IPAddress.Parse("::ffff:192.0.2.77")));
    }

    [Fact]
    public void MaxEntries_BoundsMemory()
    {
        var greylist = Create(maxEntries: 100);
        for (var i = 0; i < 1000; i++)
        {
            greylist.Check(Client, $"s{i}@remote.example", "alice@example.com");
        }

        Assert.True(greylist.Count <= 100, greylist.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

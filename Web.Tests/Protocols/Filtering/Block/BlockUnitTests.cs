using System.Net;
using Mail.Protocols.Filtering.Block;

namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>HELO/sender syntax, the rate limiter and DNSBL name construction.</summary>
public sealed class BlockUnitTests
{
    [Theory]
    [InlineData("client.example", true)]
    [InlineData("localhost", true)]
    [InlineData("mail-1.example.org", true)]
    [InlineData("[192.0.2.1]", true)]
    [InlineData("[IPv6:2001:db8::1]", true)]
    [InlineData("192.0.2.1", false)]
    [InlineData("bad_name.example", false)]
    [InlineData("-dash.example", false)]
    [InlineData("a..b", false)]
    [InlineData("[300.1.1.1]", false)]
    [InlineData("[2001:db8::1]", false)]
    [InlineData("", false)]
    public void Helo_Syntax(string helo, bool valid) => Assert.Equal(valid, HostSyntax.IsDomainOrLiteral(helo));

    [Theory]
    [InlineData("remote.example", true)]
    [InlineData("[192.0.2.1]", true)]
    [InlineData("localhost", false)]
    [InlineData("remote.123", false)]
    public void Sender_NeedsFullyQualifiedDomain(string domain, bool valid) => Assert.Equal(valid, HostSyntax.IsFullyQualified(domain));

    [Fact]
    public void RateLimiter_AllowsLimitPerMinute_ThenRecovers()
    {
        var time = new ManualTimeProvider();
        var limiter = new RateLimiter(3, 100, time);
        var ip = IPAddress.Parse("192.0.2.1");

        Assert.True(limiter.TryAcquire(ip));
        Assert.True(limiter.TryAcquire(ip));
        Assert.True(limiter.TryAcquire(ip));
        Assert.False(limiter.TryAcquire(ip));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.2")));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(limiter.TryAcquire(ip));
    }

    [Fact]
    public void Dnsbl_ReversedNames()
    {
        Assert.Equal("2.0.0.127", DnsblChecker.Reverse(IPAddress.Parse("127.0.0.2")));
        Assert.Equal("2.0.0.127", DnsblChecker.Reverse(IPAddress.Parse("::ffff:127.0.0.2")));
        Assert.Equal("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2", DnsblChecker.Reverse(IPAddress.Parse("2001:db8::1")));
    }
}

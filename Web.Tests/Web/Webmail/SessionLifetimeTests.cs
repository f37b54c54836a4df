using Mail.Web.Hosting;
using Mail.Web.Webmail;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>The absolute session timeout and the <c>host:port</c> endpoint options of the webmail.</summary>
public sealed class SessionLifetimeTests
{
    private static readonly DateTimeOffset SignedIn = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(167.9, false)]
    [InlineData(168, true)]
    [InlineData(500, true)]
    public void Session_ExpiresAtTheAbsoluteTimeout_HoweverActive(double hoursLater, bool expired)
    {
        var properties = WebmailSessionLifetime.NewSignIn(SignedIn);
        // Sliding renewals reset IssuedUtc; the sign-in time stays.
        properties.IssuedUtc = SignedIn.AddHours(hoursLater);
        Assert.Equal(expired, WebmailSessionLifetime.IsExpired(properties, SignedIn.AddHours(hoursLater), new WebmailOptions()));
    }

    [Fact]
    public void AbsoluteTimeoutZero_TurnsItOff_AndSessionsWithoutSignInTimeAreLeftToTheIdleTimeout()
    {
        var properties = WebmailSessionLifetime.NewSignIn(SignedIn);
        Assert.False(WebmailSessionLifetime.IsExpired(properties, SignedIn.AddYears(1), new WebmailOptions { SessionAbsoluteHours = 0 }));
        Assert.False(WebmailSessionLifetime.IsExpired(new Microsoft.AspNetCore.Authentication.AuthenticationProperties(), SignedIn.AddYears(1), new WebmailOptions()));
    }

    [Theory]
    [InlineData("imap.example.com:1143", "imap.example.com", 1143)]
    [InlineData("imap.example.com", "imap.example.com", 143)]
    [InlineData(" 10.0.0.5:993 ", "10.0.0.5", 993)]
    [InlineData("[2001:db8::1]:1143", "2001:db8::1", 1143)]
    [InlineData("[2001:db8::1]", "2001:db8::1", 143)]
    [InlineData("2001:db8::1", "2001:db8::1", 143)]
    [InlineData("host:99999", "host:99999", 143)]
    public void ParseEndpoint_ReadsHostAndPort(string text, string host, int port) =>
        Assert.Equal((host, port), WebmailOptions.ParseEndpoint(text, 143));
}

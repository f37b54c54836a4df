using System.Net;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

[Collection(WebmailHostCollection.Name)]
public class WebmailSignInTests(WebmailHostFixture host)
{
    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);

        using var response = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password, token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(WebmailHttp.SessionCookie(response));
    }

    [Fact]
    public async Task SignIn_WithForeignAntiforgeryToken_IsRejected()
    {
        using var attacker = WebmailHttp.CreateClient(host);
        var foreignToken = await WebmailHttp.FormTokenAsync(attacker, WebmailRoutes.SignIn);
        using var victim = WebmailHttp.CreateClient(host);
        await WebmailHttp.FormTokenAsync(victim, WebmailRoutes.SignIn);

        using var response = await WebmailHttp.PostSignInAsync(victim, MailHostFixture.Alice, MailHostFixture.Password, foreignToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(WebmailHttp.SessionCookie(response));
    }

    [Theory]
    [InlineData(MailHostFixture.Alice, "wrong-password")]
    [InlineData("nobody@example.com", MailHostFixture.Password)]
    [InlineData("alice@unknown.example", "x")]
    public async Task SignIn_WithBadCredentials_ShowsOneNeutralError_AndNoSession(string address, string password)
    {
        using var client = WebmailHttp.CreateClient(host);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);

        using var response = await WebmailHttp.PostSignInAsync(client, address, password, token);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong address or password.", html, StringComparison.Ordinal);
        Assert.Null(WebmailHttp.SessionCookie(response));
        Assert.DoesNotContain($"value=\"{password}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithRightPassword_StoresTheSessionServerSide_CookieHoldsOnlyItsId()
    {
        using var client = WebmailHttp.CreateClient(host);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn + "?ReturnUrl=%2Fmail%3Ffolder%3DINBOX");

        using var response = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password, token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = WebmailHttp.SessionCookie(response);
        Assert.NotNull(cookie);
        var setCookie = string.Join("\n", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);

        // The cookie decrypts to a ticket holding nothing but the session id ...
        var cookieTicket = WebmailHttp.UnprotectCookie(host.Services, cookie);
        Assert.NotNull(cookieTicket);
        var claim = Assert.Single(cookieTicket.Principal.Claims);
        Assert.Equal(WebmailHttp.SessionIdClaim, claim.Type);
        Assert.True(cookie.Length < 600, $"cookie is {cookie.Length} chars");

        // ... and the session row holds the identity, with the password only in protected form.
        var stored = await host.Services.GetRequiredService<ITicketStore>().RetrieveAsync(claim.Value);
        Assert.NotNull(stored);
        Assert.Equal(MailHostFixture.Alice, stored.Principal.Identity?.Name);
        var secret = stored.Principal.FindFirst(WebmailCredentialProtector.SecretClaimType)?.Value;
        Assert.False(string.IsNullOrEmpty(secret));
        Assert.NotEqual(MailHostFixture.Password, secret);
        Assert.Equal(MailHostFixture.Password, host.Services.GetRequiredService<WebmailCredentialProtector>().Read(stored.Principal)?.Password);
    }

    [Fact]
    public async Task SignIn_RedirectsToALocalReturnUrl_ButNeverOffSite()
    {
        using var client = WebmailHttp.CreateClient(host);

        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);
        using var local = await client.PostAsync(WebmailRoutes.SignIn + "?ReturnUrl=%2Fmail%3Ffolder%3DSent", SignInForm(token));
        Assert.Equal(HttpStatusCode.Redirect, local.StatusCode);
        Assert.EndsWith("/mail?folder=Sent", local.Headers.Location?.ToString(), StringComparison.Ordinal);

        using var other = WebmailHttp.CreateClient(host);
        token = await WebmailHttp.FormTokenAsync(other, WebmailRoutes.SignIn);
        using var offsite = await other.PostAsync(WebmailRoutes.SignIn + "?ReturnUrl=%2F%2Fevil.example%2F", SignInForm(token));
        Assert.Equal(HttpStatusCode.Redirect, offsite.StatusCode);
        Assert.DoesNotContain("evil.example", offsite.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailPages_WithoutSession_RedirectToSignIn()
    {
        using var client = WebmailHttp.CreateClient(host);

        foreach (var path in new[] { "/mail", "/mail/read?folder=INBOX&uid=1", "/mail/body?folder=INBOX&uid=1", "/mail/attachment?folder=INBOX&uid=1&index=0" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith(host.BaseAddress + "signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SignOut_DeletesTheSessionRow_AndTheOldCookieNoLongerWorks()
    {
        using var client = WebmailHttp.CreateClient(host);
        var cookie = await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var sessionId = WebmailHttp.SessionIdOf(host.Services, cookie);
        var store = host.Services.GetRequiredService<ITicketStore>();
        Assert.NotNull(await store.RetrieveAsync(sessionId));

        var token = await WebmailHttp.FormTokenAsync(client, "/mail");
        using var signOut = await client.PostAsync(WebmailRoutes.SignOut, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Null(await store.RetrieveAsync(sessionId));

        // Replaying the old cookie (a stolen copy) finds no session.
        using var replay = WebmailHttp.CreateClient(host);
        replay.DefaultRequestHeaders.Add("Cookie", WebmailServiceCollectionExtensions.SessionCookieName + "=" + cookie);
        using var page = await replay.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_IsRejected_AndTheSessionStays()
    {
        using var client = WebmailHttp.CreateClient(host);
        var cookie = await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var sessionId = WebmailHttp.SessionIdOf(host.Services, cookie);

        using var signOut = await client.PostAsync(WebmailRoutes.SignOut, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.NotNull(await host.Services.GetRequiredService<ITicketStore>().RetrieveAsync(sessionId));
    }

    [Fact]
    public async Task AppPages_CarryTheSecurityHeaders()
    {
        using var client = WebmailHttp.CreateClient(host);

        using var response = await client.GetAsync(WebmailRoutes.SignIn);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
    }

    private static FormUrlEncodedContent SignInForm(string token) => new(
    [
        new("_handler", "signin"),
        new("__RequestVerificationToken", token),
        new("Input.Address", MailHostFixture.Alice),
        new("Input.Password", MailHostFixture.Password),
    ]);
}

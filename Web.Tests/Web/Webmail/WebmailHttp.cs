using System.Net;
using System.Text.RegularExpressions;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>HTTP helpers for webmail tests: form tokens, sign-in, reading the session cookie back.</summary>
internal static partial class WebmailHttp
{
    /// <summary>Claim the cookie handler puts in the cookie ticket when a session store is used.</summary>
    public const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    /// <summary>
    /// A client for the host's real Kestrel listener with its own cookie jar that never follows redirects
    /// (a socket handler follows them by default, which would hide every 302 under test).
    /// </summary>
    public static HttpClient CreateClient(MailHostFixture host) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = host.BaseAddress,
        };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>The antiforgery token of the first form on <paramref name="path"/> (the client keeps the antiforgery cookie).</summary>
    public static async Task<string> FormTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts the sign-in form; <paramref name="token"/> null means "leave the token out".</summary>
    public static Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string address, string password, string? token)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("_handler", "signin"),
            new("Input.Address", address),
            new("Input.Password", password),
        };
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }
        return client.PostAsync(WebmailRoutes.SignIn, new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in and returns the session cookie value.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string address, string password)
    {
        var token = await FormTokenAsync(client, WebmailRoutes.SignIn);
        using var response = await PostSignInAsync(client, address, password, token);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var body = await response.Content.ReadAsStringAsync();
            var error = Regex.Match(body, "data-testid=\"signin-error\"[^>]*>([^<]*)<").Groups[1].Value;
            Assert.Fail($"sign-in answered {(int)response.StatusCode} instead of a redirect: {(error.Length > 0 ? error : body[Math.Max(0, body.IndexOf("<form", StringComparison.Ordinal))..])}");
        }
        return SessionCookie(response) ?? throw new InvalidOperationException("sign-in set no session cookie");
    }

    /// <summary>The value of the session cookie set by <paramref name="response"/>, or null.</summary>
    public static string? SessionCookie(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return null;
        }
        var prefix = WebmailServiceCollectionExtensions.SessionCookieName + "=";
        var cookie = cookies.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal));
        if (cookie is null)
        {
            return null;
        }
        var value = cookie[prefix.Length..].Split(';')[0];
        return value.Length == 0 ? null : value;
    }

    /// <summary>Decrypts the cookie with the host's own ticket format (what the cookie handler does on every request).</summary>
    public static AuthenticationTicket? UnprotectCookie(IServiceProvider services, string cookieValue)
    {
        var options = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        return options.TicketDataFormat.Unprotect(cookieValue);
    }

    /// <summary>The session id the cookie carries.</summary>
    public static string SessionIdOf(IServiceProvider services, string cookieValue)
    {
        var ticket = UnprotectCookie(services, cookieValue);
        Assert.NotNull(ticket);
        return ticket.Principal.FindFirst(SessionIdClaim)?.Value ?? throw new InvalidOperationException("cookie ticket has no session id");
    }
}

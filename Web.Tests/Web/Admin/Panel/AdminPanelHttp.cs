using System.Net;
using System.Text.RegularExpressions;
using Mail.Web.Admin.Panel;
using Mail.Web.Tests.Web.Webmail;

namespace Mail.Web.Tests.Web.Admin.Panel;

/// <summary>HTTP helpers for the admin panel: sign-in, posting a page's named form with (or without) its antiforgery token.</summary>
internal static partial class AdminPanelHttp
{
    /// <summary>Posts the admin sign-in form with the page's token; returns the response.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string address, string password)
    {
        var token = await WebmailHttp.FormTokenAsync(client, AdminPanelRoutes.SignIn);
        return await client.PostAsync(AdminPanelRoutes.SignIn, new FormUrlEncodedContent(
        [
            new("_handler", "admin-signin"),
            new("Input.Address", address),
            new("Input.Password", password),
            new("__RequestVerificationToken", token),
        ]));
    }

    /// <summary>Signs in as an administrator (the client keeps the admin cookie).</summary>
    public static async Task SignInAsync(HttpClient client, string address, string password)
    {
        using var response = await PostSignInAsync(client, address, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"admin sign-in answered {(int)response.StatusCode}");
        Assert.NotNull(AdminCookie(response));
    }

    /// <summary>
    /// Posts the form <paramref name="handler"/> of the page <paramref name="path"/> with <paramref name="fields"/>; the page's
    /// antiforgery token is added unless <paramref name="withToken"/> is false (a cross-site post has none).
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string handler, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = new List<KeyValuePair<string, string>> { new("_handler", handler) };
        all.AddRange(fields);
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", await WebmailHttp.FormTokenAsync(client, path)));
        }
        return await client.PostAsync(path, new FormUrlEncodedContent(all));
    }

    /// <summary>The text of the page's notice (<c>data-testid=admin-notice</c>), HTML-decoded, or null.</summary>
    public static string? Notice(string html)
    {
        var match = NoticePattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    /// <summary>The <c>Set-Cookie</c> header of the admin session cookie, or null.</summary>
    public static string? AdminCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(AdminPanelAuthorization.CookieName + "=", StringComparison.Ordinal))
            : null;

    [GeneratedRegex("data-testid=\"admin-notice\"[^>]*>([^<]*)<")]
    private static partial Regex NoticePattern();
}

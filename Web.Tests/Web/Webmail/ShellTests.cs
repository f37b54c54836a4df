using System.Net;
using System.Text.RegularExpressions;
using Mail.Web.Hosting;
using Mail.Web.Resources;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The mail shell: interactive server rendering (one circuit, client-side navigation between folders, no
/// CSP refusal) and localization (Accept-Language, the user's choice by POST /language, English default).
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed partial class ShellTests(WebmailHostFixture host)
{
    [GeneratedRegex("<html lang=\"([a-z]+)\"")]
    private static partial Regex HtmlLang();

    [Fact]
    public async Task MailPage_FollowsAcceptLanguage_EnglishByDefault()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        var english = await client.GetStringAsync(WebmailRoutes.Mail);
        using var request = new HttpRequestMessage(HttpMethod.Get, WebmailRoutes.Mail);
        request.Headers.AcceptLanguage.ParseAdd("de-DE,de;q=0.9,en;q=0.5");
        using var response = await client.SendAsync(request);
        var german = await response.Content.ReadAsStringAsync();
        using var unsupported = new HttpRequestMessage(HttpMethod.Get, WebmailRoutes.Mail);
        unsupported.Headers.AcceptLanguage.ParseAdd("ja");
        var japanese = await (await client.SendAsync(unsupported)).Content.ReadAsStringAsync();

        Assert.Equal("en", HtmlLang().Match(english).Groups[1].Value);
        Assert.Contains(">Sign out</button>", english, StringComparison.Ordinal);
        Assert.Contains(">Inbox</span>", english, StringComparison.Ordinal);
        Assert.Equal("de", HtmlLang().Match(german).Groups[1].Value);
        Assert.Contains(">Abmelden</button>", german, StringComparison.Ordinal);
        Assert.Contains(">Posteingang</span>", german, StringComparison.Ordinal);
        Assert.Contains(">Papierkorb</span>", german, StringComparison.Ordinal);
        Assert.Equal("en", HtmlLang().Match(japanese).Groups[1].Value);
    }

    [Fact]
    public async Task Reader_HeaderLabels_FollowTheLanguage()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var path = WebmailRoutes.Message("INBOX", host.UidOf.Values.First());

        var english = await client.GetStringAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd("de-DE,de;q=0.9");
        using var response = await client.SendAsync(request);
        var german = await response.Content.ReadAsStringAsync();

        Assert.Contains(">From</dt>", english, StringComparison.Ordinal);
        Assert.Contains(">To</dt>", english, StringComparison.Ordinal);
        Assert.Contains(">Von</dt>", german, StringComparison.Ordinal);
        Assert.Contains(">An</dt>", german, StringComparison.Ordinal);
        Assert.Contains("Posteingang</a>", german, StringComparison.Ordinal);
        Assert.DoesNotContain(">From</dt>", german, StringComparison.Ordinal);
        Assert.DoesNotContain("Inbox</a>", german, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LanguageChoice_WithToken_IsKeptInACookie_AndBeatsAcceptLanguage()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.Mail);

        using var response = await client.PostAsync(WebmailRoutes.Language, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token),
            new("culture", "de"),
            new("returnUrl", "/mail?folder=Sent"),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/mail?folder=Sent", response.Headers.Location?.OriginalString);
        var cookie = string.Join(";", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains(WebmailCultures.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Get, WebmailRoutes.Mail);
        request.Headers.AcceptLanguage.ParseAdd("en-US");
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains(">Abmelden</button>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "de")]
    [InlineData("token", "xx")]
    [InlineData("token", "de\r\nSet-Cookie: x=1")]
    public async Task LanguageChoice_WithoutTokenOrWithAnUnknownCulture_IsRefused(string? token, string culture)
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var fields = new List<KeyValuePair<string, string>> { new("culture", culture), new("returnUrl", "/mail") };
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", await WebmailHttp.FormTokenAsync(client, WebmailRoutes.Mail)));
        }

        using var response = await client.PostAsync(WebmailRoutes.Language, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(WebmailCultures.CookieName, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LanguageChoice_NeverRedirectsOffSite()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.Mail);

        using var response = await client.PostAsync(WebmailRoutes.Language, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token),
            new("culture", "en"),
            new("returnUrl", "//evil.example/"),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(WebmailRoutes.Mail, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Shell_IsInteractive_FolderClicksNavigateWithoutReload_InBothLanguages()
    {
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Alice);
        var page = session.Page;
        await page.EvaluateAsync("() => { window.__shellMarker = 42; }");

        await page.ClickAsync("a.folder[data-folder=Sent]");
        await page.WaitForURLAsync(u => u.Contains("folder=Sent", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("a.folder.current[data-folder=Sent]");
        await page.WaitForSelectorAsync(".list-header h1:text-is('Sent')");

        // The same document: the circuit navigated, the browser did not load a new page.
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__shellMarker"));
        await page.ClickAsync("a.folder[data-folder=INBOX]");
        await page.WaitForSelectorAsync("a.folder.current[data-folder=INBOX]");
        await page.WaitForSelectorAsync("[data-testid=message-list] a.message");
        await session.ScreenshotAsync("shell-desktop-en");

        // Switching language is a form post: the page reloads in German.
        await page.ClickAsync("[data-testid=language] button[value=de]");
        await page.WaitForSelectorAsync("html[lang=de]");
        await ShellSession.WaitInteractiveAsync(page);
        Assert.Equal("Abmelden", (await page.InnerTextAsync("[data-testid=sign-out]")).Trim());
        await page.WaitForSelectorAsync("a.folder[data-folder=Trash] .name:text-is('Papierkorb')");
        await session.ScreenshotAsync("shell-desktop-de");
        await page.SetViewportSizeAsync(ShellSession.Phone.Width, ShellSession.Phone.Height);
        await session.ScreenshotAsync("shell-phone-de");
        await page.ClickAsync("[data-testid=language] button[value=en]");
        await page.WaitForSelectorAsync("html[lang=en]");

        Assert.Empty(session.Errors);
    }
}

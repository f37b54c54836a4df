using System.Net;
using System.Text.RegularExpressions;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The real binary from the build output (<c>dotnet Mail.Web.dll</c>, not published) with
/// <c>ASPNETCORE_ENVIRONMENT=Production</c> (MailServerProcess sets it) serves the webmail's CSS and the Blazor
/// script: the static web assets of the build are mapped outside Development too.
/// </summary>
public sealed partial class WebmailProductionAssetsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SignInPage_InProduction_ServesItsCssAndTheBlazorScript()
    {
        await using var server = await MailServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUrl, Timeout = s_timeout };

        using var page = await http.GetAsync(WebmailRoutes.SignIn.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var styles = Stylesheet().Matches(html).Select(m => m.Groups["href"].Value).ToList();
        var scripts = Script().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.Contains(styles, s => s.StartsWith("app.", StringComparison.Ordinal));
        Assert.Contains(styles, s => s.StartsWith("Mail.Web.", StringComparison.Ordinal) && s.EndsWith(".styles.css", StringComparison.Ordinal));
        var blazor = Assert.Single(scripts, s => s.StartsWith("_framework/blazor.web.", StringComparison.Ordinal));

        foreach (var href in styles)
        {
            await AssertServedAsync(http, href, "text/css", server);
        }
        foreach (var src in scripts)
        {
            await AssertServedAsync(http, src, "text/javascript", server);
        }
        // The Blazor script is the framework's own (from the shared framework's assets, not our wwwroot).
        var script = await http.GetStringAsync(blazor);
        Assert.Contains("Blazor", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webmail_InProduction_IsStyledAndInteractiveInChromium()
    {
        await using var server = await MailServerProcess.StartAsync();
        await server.AddDomainAsync("assets.example");
        await server.AddUserAsync("ann@assets.example");
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.HttpUrl.ToString() });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout((float)s_timeout.TotalMilliseconds);
            var failed = new List<string>();
            page.Response += (_, r) =>
            {
                if (r.Status >= 400 && !r.Url.Contains("favicon", StringComparison.Ordinal))
                {
                    failed.Add($"{r.Status} {r.Url}");
                }
            };
            await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
            // app.css applied: the sign-in button is not the browser's default grey button.
            var buttonBackground = await page.EvalOnSelectorAsync<string>("[data-testid=signin-submit]", "b => getComputedStyle(b).backgroundColor");
            Assert.NotEqual("rgb(239, 239, 239)", buttonBackground);
            Assert.True(await page.EvaluateAsync<bool>("() => document.styleSheets.length >= 2 && [...document.styleSheets].every(s => s.cssRules.length > 0)"));

            await page.FillAsync("#address", "ann@assets.example");
            await page.FillAsync("#password", MailServerProcess.DefaultPassword);
            await page.ClickAsync("[data-testid=signin-submit]");
            await page.WaitForSelectorAsync("section.list-pane");
            // blazor.web.js ran and the circuit is up.
            await ShellSession.WaitInteractiveAsync(page);
            Assert.True(await page.EvaluateAsync<bool>("() => typeof Blazor === 'object'"));
            Assert.Empty(failed);
            await context.CloseAsync();
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private static async Task AssertServedAsync(HttpClient http, string path, string mediaType, MailServerProcess server)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}\n{server.Log}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>[^\"]+)\"")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("<script src=\"(?<src>[^\"]+)\"")]
    private static partial Regex Script();
}

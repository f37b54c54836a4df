using Mail.Web.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// Light and dark themes (system preference, or the user's setting) for the app and for message bodies where safe
/// (plain text always; HTML only when the sanitized mail sets no colours), and the phone layout (390×844: list and
/// reader as separate views, folder drawer). Screenshots of each go to webmail-screenshots/.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class ThemeBrowserTests(ReaderHostFixture host)
{
    private const string DarkSurface = "rgb(23, 26, 33)";
    private const string White = "rgb(255, 255, 255)";

    [Fact]
    public async Task SystemDark_AppAndUncolouredBodyAreDark_ColouredBodyKeepsItsLightPage()
    {
        var user = await host.NewUserAsync("dark");
        var (plainUid, colouredUid) = await DeliverSamplesAsync(user);
        await using var reader = await host.SignInAsync(user, scheme: ColorScheme.Dark);
        await reader.OpenAsync("INBOX", plainUid);
        Assert.Equal(DarkSurface, await BackgroundAsync(reader.Page, ".reader"));
        Assert.Equal(DarkSurface, await FrameBackgroundAsync(reader.Page));
        await reader.ScreenshotAsync("theme-desktop-dark-reader");

        await reader.OpenAsync("INBOX", colouredUid);
        Assert.Equal(White, await FrameBackgroundAsync(reader.Page));
        await reader.ScreenshotAsync("theme-desktop-dark-coloured-mail");

        await reader.Page.GotoAsync("mail?folder=INBOX");
        await reader.Page.WaitForSelectorAsync(".row[data-uid]");
        await reader.ScreenshotAsync("theme-desktop-dark-list");
        Assert.Empty(reader.Errors);
    }

    [Fact]
    public async Task DarkSetting_OverridesALightSystem_LightSettingOverridesADarkOne()
    {
        var user = await host.NewUserAsync("dset");
        var (plainUid, _) = await DeliverSamplesAsync(user);
        var store = host.Services.GetRequiredService<WebmailSettingsStore>();
        var settings = await store.GetAsync(user, CancellationToken.None);
        settings.Theme = "dark";
        await store.SaveAsync(settings, CancellationToken.None);
        await using (var reader = await host.SignInAsync(user, scheme: ColorScheme.Light))
        {
            await reader.OpenAsync("INBOX", plainUid);
            Assert.Equal("dark", await reader.Page.GetAttributeAsync("html", "data-theme"));
            Assert.Equal(DarkSurface, await BackgroundAsync(reader.Page, ".reader"));
            Assert.Equal(DarkSurface, await FrameBackgroundAsync(reader.Page));
        }

        settings.Theme = "light";
        await store.SaveAsync(settings, CancellationToken.None);
        await using (var reader = await host.SignInAsync(user, scheme: ColorScheme.Dark))
        {
            await reader.OpenAsync("INBOX", plainUid);
            Assert.Equal(White, await BackgroundAsync(reader.Page, ".reader"));
            Assert.Equal(White, await FrameBackgroundAsync(reader.Page));
            await reader.ScreenshotAsync("theme-desktop-light-reader");
        }
    }

    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task Phone_ListAndReaderAreSeparateViews_FoldersInADrawer(ColorScheme scheme, string name)
    {
        var user = await host.NewUserAsync("phone");
        var (plainUid, _) = await DeliverSamplesAsync(user);
        await using var reader = await host.SignInAsync(user, ShellSession.Phone, scheme: scheme);
        var page = reader.Page;
        await page.GotoAsync("mail?folder=INBOX");
        await page.WaitForSelectorAsync(".row[data-uid]");
        await ShellSession.WaitInteractiveAsync(page);
        // The drawer is off screen and the list fills the width.
        Assert.True((await page.Locator("[data-testid=folder-drawer]").BoundingBoxAsync())!.X < 0);
        var list = await page.Locator("main.content").BoundingBoxAsync();
        Assert.Equal(390, list!.Width, 1.0);
        await AssertNoHorizontalScrollAsync(page);
        await reader.ScreenshotAsync($"theme-phone-{name}-list");

        await page.ClickAsync("[data-testid=drawer-toggle]");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=folder-drawer]').getBoundingClientRect().x >= 0");
        Assert.Equal("true", await page.GetAttributeAsync("[data-testid=drawer-toggle]", "aria-expanded"));
        await reader.ScreenshotAsync($"theme-phone-{name}-drawer");
        await page.ClickAsync("[data-testid=folder-list] a[href*='folder=INBOX']");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=folder-drawer]').getBoundingClientRect().right <= 0");

        await reader.OpenAsync("INBOX", plainUid);
        await page.FrameLocator("iframe[data-testid=message-body]").Locator("text=the notes are").WaitForAsync();
        var view = await page.Locator("[data-testid=message-view]").BoundingBoxAsync();
        Assert.Equal(390, view!.Width, 1.0);
        await AssertNoHorizontalScrollAsync(page);
        await reader.ScreenshotAsync($"theme-phone-{name}-reader");
        Assert.Empty(reader.Errors);
    }

    [Fact]
    public void DarkStyle_OnlyForBodiesWithoutTheirOwnColours()
    {
        Assert.Contains("prefers-color-scheme:dark", Hosting.WebmailMailApi.DarkStyleFor("", "<p>Hello</p>"), StringComparison.Ordinal);
        Assert.StartsWith("html{color-scheme:dark}", Hosting.WebmailMailApi.DarkStyleFor("dark", "<p>Hello</p>"), StringComparison.Ordinal);
        Assert.Equal("", Hosting.WebmailMailApi.DarkStyleFor("light", "<p>Hello</p>"));
        Assert.Equal("", Hosting.WebmailMailApi.DarkStyleFor("dark", "<p style=\"color: #333\">Hello</p>"));
        Assert.Equal("", Hosting.WebmailMailApi.DarkStyleFor("dark", "<table bgcolor=\"#ffffff\"><tr><td>x</td></tr></table>"));
        Assert.Equal("", Hosting.WebmailMailApi.DarkStyleFor("", "<div style=\"background-color:#fff\">x</div>"));
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways");

    private static Task<string> BackgroundAsync(IPage page, string selector) =>
        page.Locator(selector).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    private static async Task<string> FrameBackgroundAsync(IPage page)
    {
        var body = page.FrameLocator("iframe[data-testid=message-body]").Locator("body");
        await body.WaitForAsync();
        return await body.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
    }

    /// <summary>An HTML mail without colours (plus a text part) and one with its own colours; returns their UIDs.</summary>
    private async Task<(uint Plain, uint Coloured)> DeliverSamplesAsync(string user)
    {
        var plain = new MimeMessage();
        plain.From.Add(new MailboxAddress("Ann Author", "ann@example.org"));
        plain.To.Add(MailboxAddress.Parse(user));
        plain.Subject = "Weekly notes";
        plain.Body = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Hello,\n\nthe notes are below.\n" },
            new TextPart("html") { Text = "<h2>Weekly notes</h2><p>Hello, the notes are <a href=\"https://example.org/n\">here</a>.</p><ul><li>One</li><li>Two</li></ul>" },
        };
        var coloured = new MimeMessage();
        coloured.From.Add(new MailboxAddress("Shop", "news@shop.example"));
        coloured.To.Add(MailboxAddress.Parse(user));
        coloured.Subject = "Winter sale";
        coloured.Body = new TextPart("html")
        {
            Text = "<table bgcolor=\"#fff7ed\" width=\"100%\"><tr><td style=\"color:#7c2d12;font-size:20px\">Winter sale: 30% off</td></tr></table>",
        };
        return (await host.DeliverAsync(user, plain), await host.DeliverAsync(user, coloured));
    }
}

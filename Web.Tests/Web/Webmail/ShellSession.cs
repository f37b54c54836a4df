using System.Collections.Concurrent;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// A signed-in chromium page on a webmail host for shell, list, folder and push tests: collects page
/// errors and console errors/warnings (a CSP refusal shows up there) so tests can assert none happened.
/// </summary>
internal sealed class ShellSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ShellSession(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Page errors and console errors/warnings seen so far.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Desktop viewport.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 860 };

    /// <summary>Phone viewport (a 6.1" phone in portrait).</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>Launches chromium, signs <paramref name="address"/> in and waits for the (interactive) list pane.</summary>
    public static async Task<ShellSession> SignInAsync(MailHostFixture host, string address, ViewportSize? viewport = null, string locale = "en-US")
    {
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = viewport ?? Desktop,
            Locale = locale,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var session = new ShellSession(playwright, browser, context, page);
        page.PageError += (_, error) => session.Errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.Contains("favicon", StringComparison.Ordinal))
            {
                session.Errors.Enqueue("console " + message.Type + ": " + message.Text);
            }
        };
        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", address);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("section.list-pane");
        await WaitInteractiveAsync(page);
        return session;
    }

    /// <summary>Waits until the circuit is up: blazor.web.js marks the shell root once it is interactive.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync(".shell[data-interactive=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits until the page's URL satisfies <paramref name="matches"/> (polling <see cref="IPage.Url"/>, which follows every
    /// committed navigation), then for <paramref name="selector"/> on the page it arrived at.
    /// </summary>
    /// <remarks>
    /// Instead of <c>WaitForURLAsync</c> for navigations that load a new document: Playwright .NET (1.64) waits for the
    /// new document's "load" by checking the states seen so far, then subscribing to the next one, on a pool thread after
    /// the "navigated" event; a "load" that arrives in between (a small page on a loaded machine) is never seen and the
    /// wait times out with the page already loaded at the URL ("waiting for navigation until Load").
    /// </remarks>
    /// <exception cref="TimeoutException">The URL did not match within <paramref name="timeout"/>.</exception>
    public static async Task WaitForUrlAsync(IPage page, Func<string, bool> matches, string selector, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!matches(page.Url))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The page stayed at {page.Url} for {timeout.TotalSeconds:F0} s.");
            }
            await Task.Delay(25);
        }
        await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { Timeout = (float)timeout.TotalMilliseconds });
    }

    /// <summary>Saves a screenshot under the test output's webmail-screenshots folder.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebmailBrowser.ScreenshotFolder(), name + ".png") });

    /// <summary>Longest wait for the browser to close; then the Playwright driver (and with it chromium) is ended.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    public async ValueTask DisposeAsync()
    {
        // On a loaded machine a context close was seen hanging for minutes (the whole run waited on it): bounded here,
        // and disposing the driver ends whatever chromium still runs.
        try
        {
            await Context.CloseAsync().WaitAsync(CloseTimeout);
            await _browser.CloseAsync().WaitAsync(CloseTimeout);
        }
        catch (TimeoutException)
        {
            // Closing hung: the driver's disposal below kills the browser.
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}

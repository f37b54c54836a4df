using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// Debian chromium driven by Playwright, fully offline (notes/real-services.md §7): headless, no sandbox
/// (root in CI), no background networking, and every host name but loopback mapped to "not found" so the
/// browser itself makes no DNS lookups.
/// </summary>
internal static class WebmailBrowser
{
    /// <summary>Debian's chromium binary.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (scripts/test.sh installs it).");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        });
        return (playwright, browser);
    }

    /// <summary>Folder for screenshots under the test output (<c>bin/.../webmail-screenshots</c>).</summary>
    public static string ScreenshotFolder()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "webmail-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}

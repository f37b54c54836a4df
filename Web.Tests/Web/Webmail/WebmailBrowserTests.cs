using System.Collections.Concurrent;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The webmail in Debian chromium (Playwright): sign in, see the corpus, open HTML messages. No script
/// from a message may run (no dialog, no page error, sandboxed frame) and no request may leave the
/// host (remote images stay unfetched). Screenshots land in the test output's webmail-screenshots/.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class WebmailBrowserTests(WebmailHostFixture host)
{
    private const string JavascriptMessage = "html/sa__nice__handler_javascript.eml";
    private const string RemoteImageMessage = "ham/roundcube__list_01.eml";
    private const string InlineImageMessage = "html/mailparser__nodemailer.eml";

    [Fact]
    public async Task SignIn_OpenHtmlMessages_NoMessageScriptRuns_NoRemoteRequest()
    {
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        var requests = new ConcurrentQueue<string>();
        var dialogs = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        context.Request += (_, request) => requests.Enqueue(request.Url);
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.Contains("favicon", StringComparison.Ordinal))
            {
                errors.Enqueue("console " + message.Type + ": " + message.Text);
            }
        };
        var shots = WebmailBrowser.ScreenshotFolder();

        // Sign in.
        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", MailHostFixture.Alice);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=message-list]");
        await ShellSession.WaitInteractiveAsync(page);
        Assert.Equal(MailHostFixture.Alice, await page.InnerTextAsync("[data-testid=signed-in-address]"));

        // The newest corpus messages are listed, newest first (once the virtual list has its first window).
        await page.WaitForSelectorAsync("[data-testid=message-list]:not([data-total='-1']) .row[data-uid]:nth-child(20)");
        var newest = host.Delivered.Reverse().Take(WebmailHostFixture.PageSize).ToList();
        var listText = Collapse(await page.InnerTextAsync("[data-testid=message-list]"));
        foreach (var file in newest.Where(f => WebmailHostFixture.SubjectOf(f).Length > 0))
        {
            Assert.Contains(Collapse(WebmailHostFixture.SubjectOf(file)), listText, StringComparison.Ordinal);
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webmail-inbox.png") });

        // Open the message whose script, handler and javascript: link would each run code.
        await OpenFromListAsync(page, host.UidOf[JavascriptMessage]);
        var frameElement = page.Locator("iframe[data-testid=message-body]");
        Assert.Equal("allow-popups", await frameElement.GetAttributeAsync("sandbox"));
        var frame = page.FrameLocator("iframe[data-testid=message-body]");
        await frame.Locator("text=ORIGINAL_BODY_MARKER").WaitForAsync();
        var frameText = await frame.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("hello", frameText, StringComparison.Ordinal); // document.write(atob("aGVsbG8=")) never ran
        await frame.Locator("a", new FrameLocatorLocatorOptions { HasText = "click" }).ClickAsync(); // was a javascript: link
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webmail-javascript-message.png") });

        // A message with a remote image: blocked, and the user is told.
        await page.GotoAsync(WebmailRoutes.Message("INBOX", host.UidOf[RemoteImageMessage]));
        await page.WaitForSelectorAsync("[data-testid=remote-blocked]");
        await page.FrameLocator("iframe[data-testid=message-body]").Locator("#remote").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webmail-remote-image-blocked.png") });

        // A message with inline (cid:) images and attachments.
        await page.GotoAsync(WebmailRoutes.Message("INBOX", host.UidOf[InlineImageMessage]));
        var inline = page.FrameLocator("iframe[data-testid=message-body]").Locator("img[src^='data:image/']").First;
        await inline.WaitForAsync();
        Assert.True(await inline.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        Assert.True(await page.Locator("[data-testid=attachments] li").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webmail-inline-images.png") });

        Assert.Empty(dialogs);
        Assert.Empty(errors);
        var origin = host.BaseAddress.GetLeftPart(UriPartial.Authority) + "/";
        var outside = requests.Where(u => !u.StartsWith(origin, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, "requests left the host: " + string.Join(", ", outside));
        Assert.Contains(requests, u => u.Contains("/mail/body?", StringComparison.Ordinal));
    }

    /// <summary>Whitespace runs as one space, as rendered text shows them.</summary>
    private static string Collapse(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    private static async Task OpenFromListAsync(IPage page, uint uid)
    {
        // The list scrolls virtually: scroll it down until the row is rendered.
        var row = page.Locator($"a.message[data-uid='{uid}']");
        for (var i = 0; await row.CountAsync() == 0; i++)
        {
            Assert.True(i < 200, $"message {uid} never appeared in the list");
            await page.Locator("[data-testid=message-list]").EvaluateAsync("list => list.scrollBy(0, list.clientHeight / 2)");
            await page.WaitForTimeoutAsync(100);
        }
        await row.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=message-view]");
    }
}

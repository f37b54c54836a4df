using System.Collections.Concurrent;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The composer in Debian chromium (Playwright) against the real host on MariaDB: rich text with the toolbar, an
/// attachment saved into the draft at once, send, the "Sending… Undo" notice, delivery to bob with an HTML body
/// and its text alternative. Screenshots at desktop and phone size land in webmail-screenshots/.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class ComposeBrowserTests(ComposeHostFixture host)
{
    [Fact]
    public async Task ComposeRichTextWithAttachment_Send_BobReceivesHtmlAndText()
    {
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        var errors = new ConcurrentQueue<string>();
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("favicon", StringComparison.Ordinal))
            {
                errors.Enqueue("console error: " + message.Text);
            }
        };
        var shots = WebmailBrowser.ScreenshotFolder();

        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", MailHostFixture.Alice);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=compose-new]");
        await page.ClickAsync("[data-testid=compose-new]");
        await page.WaitForSelectorAsync("[data-testid=composer]");

        var subject = "Browser " + Guid.NewGuid().ToString("N");
        await page.FillAsync("[data-testid=compose-to]", MailHostFixture.Bob);
        await page.FillAsync("[data-testid=compose-subject]", subject);
        await page.CheckAsync("[data-testid=format-html]");
        var editor = page.Locator("[data-testid=compose-rich]");
        await editor.ClickAsync();
        await page.Keyboard.TypeAsync("Important news");
        await page.Keyboard.PressAsync("Control+A");
        await page.ClickAsync(".editor-toolbar button[data-command=bold]");
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("Second line");

        // Choosing a file saves the draft at once, with the attachment in it.
        await page.SetInputFilesAsync("[data-testid=compose-files]", new FilePayload
        {
            Name = "agenda.txt",
            MimeType = "text/plain",
            Buffer = "1. Budget\n2. Hiring\n"u8.ToArray(),
        });
        await page.WaitForSelectorAsync("[data-testid=compose-attachments] >> text=agenda.txt", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.WaitForSelectorAsync("[data-testid=draft-saved]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "compose-desktop.png") });

        await page.ClickAsync("[data-testid=compose-send]");
        await page.WaitForSelectorAsync("[data-testid=outbox-notice]");
        var notice = await page.InnerTextAsync("[data-testid=outbox-notice]");
        Assert.True(notice.Contains("Sending", StringComparison.Ordinal) || notice.Contains("sent", StringComparison.Ordinal), notice);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "compose-sending.png") });

        var received = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", subject);
        Assert.Contains("<b>Important news</b>", received.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Important news", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("Second line", received.TextBody, StringComparison.Ordinal);
        var attachment = Assert.Single(received.Attachments.OfType<MimePart>());
        Assert.Equal("agenda.txt", attachment.FileName);

        // Phone size: the composer stays usable.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("mail/compose");
        await page.WaitForSelectorAsync("[data-testid=composer]");
        Assert.True(await page.IsVisibleAsync("[data-testid=compose-send]"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "compose-phone.png"), FullPage = true });

        Assert.Empty(errors);
    }
    [Fact]
    public async Task FilesDroppedOnTheComposer_AreSavedIntoTheDraft_AndSent()
    {
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", MailHostFixture.Alice);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=compose-new]");
        await page.ClickAsync("[data-testid=compose-new]");
        await page.WaitForSelectorAsync("[data-testid=composer]");
        var subject = "Dropped " + Guid.NewGuid().ToString("N");
        await page.FillAsync("[data-testid=compose-to]", MailHostFixture.Bob);
        await page.FillAsync("[data-testid=compose-subject]", subject);

        // What the browser hands a page when files are dragged in from the desktop: a drop event whose DataTransfer
        // holds File objects (Playwright cannot drag from outside the page, so the event is built in the page).
        var transfer = await page.EvaluateHandleAsync(
            "() => { const t = new DataTransfer(); t.items.add(new File(['minutes of the meeting'], 'minutes.txt', { type: 'text/plain' }));"
            + " t.items.add(new File(['a,b'], 'data.csv', { type: 'text/csv' })); return t; }");
        await page.DispatchEventAsync("#compose-form", "dragover", new { dataTransfer = transfer });
        await page.DispatchEventAsync("#compose-form", "drop", new { dataTransfer = transfer });
        await page.WaitForSelectorAsync("[data-testid=compose-attachments] >> text=minutes.txt", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.WaitForSelectorAsync("[data-testid=compose-attachments] >> text=data.csv", new PageWaitForSelectorOptions { Timeout = 60_000 });

        await page.ClickAsync("[data-testid=compose-send]");
        var received = await host.WaitForMessageAsync(MailHostFixture.Bob, "INBOX", subject);
        Assert.Equal(["data.csv", "minutes.txt"], received.Attachments.OfType<MimePart>().Select(a => a.FileName).Order(StringComparer.Ordinal));
    }
}

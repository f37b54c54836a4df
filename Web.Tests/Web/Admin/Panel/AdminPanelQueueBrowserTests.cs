using Mail.Shared.Hosting;
using Mail.Web.Admin;
using Mail.Web.Admin.Panel;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Webmail;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Admin.Panel;

/// <summary>
/// The outbound queue in the admin panel (chromium): a message submitted to a domain whose route refuses connections
/// stays queued; the administrator sees it, opens it, holds, releases and deletes it, and the running Outbound role
/// applies each request.
/// </summary>
[Collection(AdminPanelHostCollection.Name)]
public sealed class AdminPanelQueueBrowserTests(AdminPanelHostFixture host)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task QueuedMessage_IsListedShown_HeldReleasedAndDeleted()
    {
        var subject = "Queued " + Guid.NewGuid().ToString("N")[..8];
        var recipient = "someone-" + Guid.NewGuid().ToString("N")[..6] + "@" + AdminPanelHostFixture.UnreachableDomain;
        await SubmitAsync(recipient, subject);
        var queue = host.Services.GetRequiredService<QueueAdministration>();
        var id = await WaitForAsync(() => queue.List().FirstOrDefault(e => e.Recipients.Any(r => r.Address == recipient))?.Id, "the message to be queued");
        // Wait for the first (refused) attempt, so the row shows its reply and the entry is not being written meanwhile.
        await WaitForAsync(() => queue.Find(id) is { Attempts: > 0 } ? id : null, "the first delivery attempt");

        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var shots = WebmailBrowser.ScreenshotFolder();
        await page.GotoAsync(AdminPanelRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", MailHostFixture.Alice);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=admin-signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=domains]");

        // Listed, with its pending recipient.
        await page.ClickAsync("[data-testid=nav-queue]");
        var row = page.Locator($"[data-testid=queue-row][data-id='{id}']");
        await row.WaitForAsync();
        Assert.Contains(recipient, await row.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-queue.png"), FullPage = true });

        // Shown: recipients and header.
        await row.Locator("[data-testid=queue-show]").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=queue-header]");
        Assert.Contains("Subject: " + subject, await page.InnerTextAsync("[data-testid=queue-header]"), StringComparison.Ordinal);

        // Hold, then release, then delete: each applied by the running Outbound role.
        await page.ClickAsync("[data-testid=queue-hold]");
        await page.WaitForSelectorAsync("[data-testid=admin-notice]");
        Assert.Equal("hold: done.", await page.InnerTextAsync("[data-testid=admin-notice]"));
        await page.WaitForSelectorAsync("[data-testid=queue-entry] [data-testid=queue-held]");
        Assert.True(queue.Find(id)?.Held);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-queue-message.png"), FullPage = true });

        await page.ClickAsync("[data-testid=queue-release]");
        await page.WaitForSelectorAsync("[data-testid=admin-notice]:has-text('release: done.')");
        Assert.False(queue.Find(id)?.Held);

        await page.ClickAsync("[data-testid=queue-delete]");
        await page.WaitForSelectorAsync("[data-testid=queue-gone]");
        Assert.Equal("delete: done.", await page.InnerTextAsync("[data-testid=admin-notice]"));
        Assert.Null(queue.Find(id));
        await page.ClickAsync("[data-testid=to-queue]");
        await page.WaitForSelectorAsync("h1");
        Assert.Equal(0, await page.Locator($"[data-testid=queue-row][data-id='{id}']").CountAsync());
    }

    private async Task SubmitAsync(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(MailHostFixture.Alice));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "This one waits in the queue.\r\n" };
        using var smtp = new SmtpClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(MailEndpoints.Submission);
        await smtp.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await smtp.AuthenticateAsync(MailHostFixture.Alice, MailHostFixture.Password);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    private static async Task<string> WaitForAsync(Func<string?> probe, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}

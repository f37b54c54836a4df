using System.Collections.Concurrent;
using Mail.Shared.Hosting;
using Mail.Web.Admin.Panel;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Webmail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Admin.Panel;

/// <summary>
/// The admin panel in Debian chromium (Playwright), end to end on the real host: an administrator signs in, adds a
/// domain, a user and an alias; the new user logs in over IMAP (python3 imaplib), the changed password is the one IMAP
/// accepts, and mail sent over SMTP to the alias lands in the user's INBOX. Screenshots (desktop and phone) land in the
/// test output's webmail-screenshots/ as admin-*.png.
/// </summary>
[Collection(AdminPanelHostCollection.Name)]
public sealed class AdminPanelBrowserTests(AdminPanelHostFixture host)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Administrator_AddsDomainUserAndAlias_UserLogsInOverImap_AliasDelivers()
    {
        var domain = "panel-" + Guid.NewGuid().ToString("N")[..8] + ".test";
        var user = "carol@" + domain;
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(30_000);
        var errors = new ConcurrentQueue<string>();
        var dialogs = new ConcurrentQueue<string>();
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        page.Dialog += (_, dialog) =>
        {
            dialogs.Enqueue(dialog.Message);
            _ = dialog.DismissAsync();
        };
        var shots = WebmailBrowser.ScreenshotFolder();

        // Unauthenticated: /admin goes to the admin sign-in; the administrator signs in and comes back.
        await page.GotoAsync("admin");
        await page.WaitForSelectorAsync("[data-testid=admin-signin-submit]");
        Assert.Contains("/admin/signin", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-signin.png") });
        await page.FillAsync("#address", MailHostFixture.Alice);
        await page.FillAsync("#password", MailHostFixture.Password);
        await page.ClickAsync("[data-testid=admin-signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=domains]");
        Assert.Equal(MailHostFixture.Alice, await page.InnerTextAsync("[data-testid=admin-address]"));

        // Add a domain, with a name that needs normalizing.
        await page.FillAsync("[data-testid=new-domain]", " " + domain.ToUpperInvariant() + " ");
        await page.ClickAsync("[data-testid=add-domain]");
        await page.WaitForSelectorAsync($"[data-testid=domain-row][data-domain='{domain}']");
        Assert.Equal($"Domain {domain} added.", await page.InnerTextAsync("[data-testid=admin-notice]"));

        // An alias domain of it, shown beside it.
        await page.FillAsync("[data-testid=new-alias-domain]", "alias-" + domain);
        await page.SelectOptionAsync("[data-testid=alias-domain-of]", domain);
        await page.ClickAsync("[data-testid=add-alias-domain]");
        await page.WaitForSelectorAsync($"[data-testid=domain-row][data-domain='{domain}'] [data-testid=alias-domain]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-domains.png"), FullPage = true });

        // Add a user in it.
        await page.ClickAsync($"[data-testid=domain-row][data-domain='{domain}'] [data-testid=domain-users]");
        await page.WaitForSelectorAsync("[data-testid=no-users]");
        await page.FillAsync("[data-testid=new-user]", "carol");
        await page.FillAsync("[data-testid=new-user-password]", "first-secret");
        await page.ClickAsync("[data-testid=add-user]");
        await page.WaitForSelectorAsync($"[data-testid=user-row][data-address='{user}']");
        Assert.Equal($"User {user} added.", await page.InnerTextAsync("[data-testid=admin-notice]"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-users.png"), FullPage = true });

        // It is real: the new user logs in over IMAP with python3 imaplib.
        await ImaplibLoginAsync(user, "first-secret", expectOk: true);

        // Change the password: the new one works over IMAP, the old one no longer does.
        await page.ClickAsync($"[data-testid=user-row][data-address='{user}'] [data-testid=change-password]");
        await page.FillAsync("[data-testid=new-password]", "second-secret");
        await page.FillAsync("[data-testid=confirm-password]", "second-secret");
        await page.ClickAsync("[data-testid=set-password]");
        await page.WaitForSelectorAsync("[data-testid=admin-notice]");
        Assert.Equal($"Password of {user} changed.", await page.InnerTextAsync("[data-testid=admin-notice]"));
        await ImaplibLoginAsync(user, "second-secret", expectOk: true);
        await ImaplibLoginAsync(user, "first-secret", expectOk: false);

        // An alias to the user; SMTP to the alias arrives in the user's INBOX.
        await page.GotoAsync(AdminPanelRoutes.AliasesOf(domain).TrimStart('/'));
        await page.FillAsync("[data-testid=new-alias]", "sales");
        await page.FillAsync("[data-testid=new-alias-target]", user);
        await page.ClickAsync("[data-testid=add-alias]");
        await page.WaitForSelectorAsync($"[data-testid=alias-row][data-address='sales@{domain}']");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-aliases.png"), FullPage = true });
        var subject = "Alias delivery " + Guid.NewGuid().ToString("N")[..8];
        await SendAsync("sales@" + domain, subject);
        await WaitForInboxSubjectAsync(user, "second-secret", subject);

        // Phone size: the same pages reflow (tables become cards), nothing overflows sideways.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("admin");
        await page.WaitForSelectorAsync("[data-testid=domains]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-domains-phone.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the domains page scrolls sideways on a phone");
        await page.GotoAsync(AdminPanelRoutes.UsersOf(domain).TrimStart('/'));
        await page.WaitForSelectorAsync("[data-testid=users]");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "admin-users-phone.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the users page scrolls sideways on a phone");

        // Sign out: back to the sign-in page, and /admin asks for it again.
        await page.ClickAsync("[data-testid=admin-sign-out]");
        await page.WaitForSelectorAsync("[data-testid=admin-signin-submit]");
        await page.GotoAsync("admin");
        await page.WaitForSelectorAsync("[data-testid=admin-signin-submit]");

        Assert.Empty(errors);
        Assert.Empty(dialogs);
    }

    private async Task ImaplibLoginAsync(string user, string password, bool expectOk)
    {
        var port = host.Endpoint(MailEndpoints.Imap).Port;
        var script = "import imaplib,sys\n" +
                     $"m=imaplib.IMAP4('127.0.0.1',{port},timeout=30)\n" +
                     "try:\n" +
                     $"    m.login({PythonString(user)},{PythonString(password)})\n" +
                     "except imaplib.IMAP4.error as e:\n" +
                     "    print('REFUSED', e); sys.exit(3)\n" +
                     "print('LOGGED-IN', m.select('INBOX')[0])\n" +
                     "m.logout()\n";
        var result = await ExternalProcess.RunAsync("python3", ["-c", script], Generous);
        if (expectOk)
        {
            Assert.True(result.ExitCode == 0 && result.StandardOutput.Contains("LOGGED-IN OK", StringComparison.Ordinal), result.Transcript);
        }
        else
        {
            Assert.True(result.ExitCode == 3 && result.StandardOutput.Contains("REFUSED", StringComparison.Ordinal), result.Transcript);
        }
    }

    private static string PythonString(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private async Task SendAsync(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello through the alias.\r\n" };
        using var smtp = new SmtpClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(MailEndpoints.SmtpIn);
        await smtp.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    private async Task WaitForInboxSubjectAsync(string user, string password, string subject)
    {
        var deadline = DateTime.UtcNow + Generous;
        using var imap = new ImapClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        await imap.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, password);
        while (true)
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count > 0)
            {
                var summaries = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
                if (summaries.Any(s => s.Envelope?.Subject == subject))
                {
                    break;
                }
            }
            await imap.Inbox.CloseAsync();
            Assert.True(DateTime.UtcNow < deadline, $"'{subject}' did not arrive in {user}'s INBOX within {Generous.TotalSeconds} s");
            await Task.Delay(200);
        }
        await imap.DisconnectAsync(quit: true);
    }
}

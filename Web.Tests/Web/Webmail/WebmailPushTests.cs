using System.Diagnostics;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// Push in chromium: with the webmail open on the Inbox, mail delivered over SMTP, a flag set by python imaplib and an
/// expunge by another client show up without a reload (IMAP IDLE relayed to the circuit). The issue asks for 2 s;
/// the waits allow 30 s on a loaded machine and the measured latencies are printed.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class WebmailPushTests(WebmailHostFixture host, ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OpenInbox_ShowsSmtpDelivery_FlagFromImaplib_AndExpungeByAnotherClient_WithoutReload()
    {
        var user = "push" + Guid.NewGuid().ToString("N")[..8] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        await DeliverAsync(user, "Already there");

        await using var session = await ShellSession.SignInAsync(host, user);
        var page = session.Page;
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='1'] .row[data-uid]");
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        // The watcher connects in the background: give it a moment to SELECT before measuring (a message arriving
        // earlier is still shown, by the baseline check, but its latency would not be the push path's).
        await WaitWatcherAsync(user);

        // 1. New mail over SMTP.
        var watch = Stopwatch.StartNew();
        await DeliverAsync(user, "Pushed hello");
        var row = page.Locator(".row[data-uid]", new PageLocatorOptions { HasText = "Pushed hello" });
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var delivery = watch.Elapsed;
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='2']");
        var uid = uint.Parse(await row.GetAttributeAsync("data-uid") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(uid > 0);

        // 2. A flag set by another program (python imaplib).
        watch.Restart();
        await ImaplibAsync(user, $"m.select('INBOX')\nprint(m.uid('STORE', '{uid}', '+FLAGS', '(\\\\Flagged)')[0])\n");
        await page.Locator($".row.flagged[data-uid='{uid}']").WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Generous.TotalMilliseconds });
        var flag = watch.Elapsed;

        // 3. An expunge by another client removes the row.
        watch.Restart();
        await ImaplibAsync(user, $"m.select('INBOX')\nm.uid('STORE', '{uid}', '+FLAGS', '(\\\\Deleted)')\nprint(m.expunge()[0])\n");
        await page.Locator($".row[data-uid='{uid}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = (float)Generous.TotalMilliseconds });
        var expunge = watch.Elapsed;
        await page.WaitForSelectorAsync("[data-testid=message-list][data-total='1']");

        output.WriteLine($"push latency (includes the other client's own time): delivery {delivery.TotalMilliseconds:F0} ms, flag {flag.TotalMilliseconds:F0} ms, expunge {expunge.TotalMilliseconds:F0} ms");
        Assert.Equal(0, navigations);
        Assert.Empty(session.Errors);
    }

    /// <summary>Polls until the session's IDLE connection on INBOX is open (the pool counts it).</summary>
    private async Task WaitWatcherAsync(string user)
    {
        var pool = host.Services.GetRequiredService<Mail.Web.Webmail.WebmailConnectionPool>();
        var deadline = Stopwatch.StartNew();
        while (pool.WatchingConnections(user) == 0)
        {
            Assert.True(deadline.Elapsed < Generous, "the push connection never connected");
            await Task.Delay(50);
        }
    }

    private async Task DeliverAsync(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello from SMTP.\r\n" };
        using var smtp = new SmtpClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(MailEndpoints.SmtpIn);
        await smtp.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    private async Task ImaplibAsync(string user, string commands)
    {
        var port = host.Endpoint(MailEndpoints.Imap).Port;
        var script = "import imaplib\n" +
                     $"m=imaplib.IMAP4('127.0.0.1',{port},timeout=30)\n" +
                     $"m.login('{user}','{MailHostFixture.Password}')\n" +
                     commands +
                     "m.logout()\n";
        var result = await ExternalProcess.RunAsync("python3", ["-c", script], Generous);
        Assert.True(result.ExitCode == 0 && result.StandardOutput.Contains("OK", StringComparison.Ordinal), result.Transcript);
    }
}

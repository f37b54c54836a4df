using System.Diagnostics;
using System.Net;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// "Sign out everywhere" from another sign-in ends a live circuit: its pooled IMAP connections close and the open tab
/// goes to the sign-in page by itself (no click, no reload), and nothing logs in to IMAP again for the ended sign-in.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class SignOutEverywhereBrowserTests(WebmailHostFixture host)
{
    [Fact]
    public async Task SignOutEverywhere_FromAnotherSignIn_ClosesTheOpenTabsImapSession_AndSendsItToSignIn()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "soe");
        await using var session = await ShellSession.SignInAsync(host, user);
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();

        using var other = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(other, user, MailHostFixture.Password);
        var token = await WebmailHttp.FormTokenAsync(other, "mail/settings");
        using (var everywhere = await other.PostAsync("mail/settings", new FormUrlEncodedContent(
        [
            new("_handler", "sessions"), new("Action", "all"), new("__RequestVerificationToken", token),
        ])))
        {
            Assert.True((int)everywhere.StatusCode < 400, $"sign out everywhere answered {(int)everywhere.StatusCode}");
        }

        await ShellSession.WaitForUrlAsync(session.Page, url => url.Contains(WebmailRoutes.SignIn, StringComparison.Ordinal),
            "[data-testid=signin-submit]", TimeSpan.FromSeconds(60));
        var deadline = Stopwatch.StartNew();
        while (pool.SessionsOf(user) != 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the pooled session stayed open");
            await Task.Delay(50);
        }
        using var after = await other.GetAsync("mail");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }
}

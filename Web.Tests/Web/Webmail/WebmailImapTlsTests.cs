using System.Globalization;
using System.Net;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The webmail's IMAP connection over STARTTLS (what it uses towards any non-loopback listener): the node's own
/// self-signed certificate is trusted, another self-signed certificate is not. Found by running the all-in-one node
/// with its listeners on a non-loopback address: every sign-in said "The mail server could not be reached".
/// </summary>
public sealed class WebmailImapTlsTests
{
    [Fact]
    public async Task SignIn_OverStartTls_TrustsTheNodesOwnSelfSignedCertificate()
    {
        await using var host = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:ImapSecurity"] = "StartTls",
        });
        using var client = WebmailHttp.CreateClient(host);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);

        using var response = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password, token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(WebmailHttp.SessionCookie(response));
        using var list = await client.GetAsync("/mail");
        var html = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("data-testid=\"message-list-empty\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Mail server unavailable", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OverStartTls_RefusesAnotherNodesSelfSignedCertificate()
    {
        // Two data paths, two self-signed certificates: the web host dials the other host's IMAP.
        await using var mailbox = await MailHostFixture.StartAsync(new Dictionary<string, string?>());
        var imap = mailbox.Endpoint(MailEndpoints.Imap);
        await using var web = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:ImapHost"] = "127.0.0.1",
            ["Mail:Webmail:ImapPort"] = imap.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Webmail:ImapSecurity"] = "StartTls",
        });
        using var client = WebmailHttp.CreateClient(web);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);

        using var response = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password, token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(WebmailHttp.SessionCookie(response));
    }
}

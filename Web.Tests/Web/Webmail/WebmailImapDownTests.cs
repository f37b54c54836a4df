using System.Net;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// A second host whose webmail reaches IMAP (the shared host's listener, where alice and her corpus
/// live) through a relay the test can take down: the user sees a friendly page, never a stack trace,
/// and the webmail recovers by itself when IMAP is back.
/// </summary>
[Collection(WebmailHostCollection.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes the relay through IAsyncLifetime.DisposeAsync.")]
public sealed class WebmailImapDownTests(WebmailHostFixture mailbox) : IAsyncLifetime
{
    private TcpRelay? _relay;
    private MailHostFixture? _web;

    public async Task InitializeAsync()
    {
        _relay = new TcpRelay(mailbox.Endpoint(MailEndpoints.Imap));
        _web = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:ImapHost"] = "127.0.0.1",
            ["Mail:Webmail:ImapPort"] = _relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }

    [Fact]
    public async Task ImapDown_SignedInPagesShowAFriendlyError_ThenRecover()
    {
        using var client = WebmailHttp.CreateClient(_web!);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        using (var up = await client.GetAsync("/mail"))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        }

        _relay!.Pause();
        foreach (var path in new[] { "/mail", WebmailRoutes.Message("INBOX", mailbox.UidOf.Values.First()) })
        {
            using var down = await client.GetAsync(path);
            var html = await down.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("Mail server unavailable", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
            Assert.DoesNotContain(" at Mail.", html, StringComparison.Ordinal);
        }
        using (var body = await client.GetAsync(WebmailRoutes.BodyOf("INBOX", mailbox.UidOf.Values.First())))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, body.StatusCode);
        }

        _relay.Resume();
        using var again = await client.GetAsync("/mail");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("data-testid=\"message-list\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImapDown_SignInSaysTheServerIsUnreachable_NotThatThePasswordIsWrong()
    {
        using var client = WebmailHttp.CreateClient(_web!);
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);
        _relay!.Pause();

        using var response = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password, token);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not be reached", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong address or password", html, StringComparison.Ordinal);
        Assert.Null(WebmailHttp.SessionCookie(response));
    }
}

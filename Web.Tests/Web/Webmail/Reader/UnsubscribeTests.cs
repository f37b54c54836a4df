using System.Net;
using Mail.Web.Webmail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// List-Unsubscribe in the reader: RFC 8058 one-click POSTed by the server to a local listener (loopback allowed in
/// this host's configuration only), mailto: sent through Submission to a local user, and the SSRF guard refusing
/// private addresses otherwise.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class UnsubscribeTests(ReaderHostFixture host)
{
    [Fact]
    public async Task OneClick_ServerPostsListUnsubscribeOneClick_WithoutCookies()
    {
        await using var listener = UnsubscribeListener.Start();
        var user = await host.NewUserAsync("unsub");
        var message = ListMessage(user, $"<http://127.0.0.1:{listener.Port}/u/42?t=abc>, <mailto:leave@list.example>", oneClick: true);
        var uid = await host.DeliverAsync(user, message);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        await reader.Page.ClickAsync("[data-testid=unsubscribe-button]");
        await reader.Page.WaitForSelectorAsync("[data-testid=unsubscribe-outcome][data-outcome=done]");
        var (requestLine, headers, body) = await listener.WaitForRequestAsync();
        Assert.Equal("POST /u/42?t=abc HTTP/1.1", requestLine);
        Assert.Equal("List-Unsubscribe=One-Click", body);
        Assert.Contains("application/x-www-form-urlencoded", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Cookie", headers, StringComparison.OrdinalIgnoreCase);
        // The browser itself never contacted the list's server.
        Assert.DoesNotContain(reader.Requests, url => url.Contains($":{listener.Port}/", StringComparison.Ordinal));
        await reader.ScreenshotAsync("reader-unsubscribed");
    }

    [Fact]
    public async Task Mailto_SendsTheUnsubscribeMailThroughSubmission()
    {
        var user = await host.NewUserAsync("unsm");
        var list = await host.NewUserAsync("list");
        var token = Guid.NewGuid().ToString("N");
        var message = ListMessage(user, $"<mailto:{list}?subject=unsubscribe%20{token}>", oneClick: false);
        var uid = await host.DeliverAsync(user, message);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        Assert.Contains(list, await reader.Page.InnerTextAsync("[data-testid=unsubscribe]"), StringComparison.Ordinal);
        await reader.Page.ClickAsync("[data-testid=unsubscribe-button]");
        await reader.Page.WaitForSelectorAsync("[data-testid=unsubscribe-outcome][data-outcome=done]");

        using var imap = await ImapAsync(list);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        MimeMessage? received = null;
        while (received is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "unsubscribe mail not delivered within 60 s");
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            var found = await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.SubjectContains(token));
            received = found.Count > 0 ? await imap.Inbox.GetMessageAsync(found[0]) : null;
            if (received is null)
            {
                await Task.Delay(200);
            }
        }
        Assert.Equal("unsubscribe " + token, received.Subject);
        Assert.Equal(user, received.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task OneClick_ToAPrivateAddressNotAllowed_IsRefusedWithoutConnecting()
    {
        await using var listener = UnsubscribeListener.Start();
        // Default options: no allowed networks, HTTPS required; the target is loopback.
        using var unsubscriber = new WebmailUnsubscriber(Options.Create(new WebmailUnsubscribeOptions { RequireHttps = false, TimeoutSeconds = 5 }), null!, TimeProvider.System);
        foreach (var target in new[] { $"http://127.0.0.1:{listener.Port}/u", $"http://localhost:{listener.Port}/u", "http://10.0.0.1/u", "http://169.254.169.254/latest", "http://[::1]/u", "http://192.168.1.1/u" })
        {
            Assert.Equal(WebmailUnsubscribeResult.ForbiddenAddress, await unsubscriber.OneClickAsync(new Uri(target), CancellationToken.None));
        }
        Assert.Empty(listener.Requests);

        // In the host (loopback allowed), another private network is still refused.
        var user = await host.NewUserAsync("unsp");
        var uid = await host.DeliverAsync(user, ListMessage(user, "<http://10.0.0.1/u>", oneClick: true));
        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        await reader.Page.ClickAsync("[data-testid=unsubscribe-button]");
        await reader.Page.WaitForSelectorAsync("[data-testid=unsubscribe-outcome][data-outcome=forbidden]");
    }

    [Theory]
    [InlineData("<https://list.example/u?x=1>", "List-Unsubscribe=One-Click", true, "https://list.example/u?x=1", null)]
    [InlineData("<http://list.example/u>", "List-Unsubscribe=One-Click", true, null, null)]
    [InlineData("<https://list.example/u>", null, true, null, null)]
    [InlineData("(comment) <mailto:leave@list.example?subject=bye>, <https://list.example/u>", null, true, null, "leave@list.example")]
    [InlineData("<mailto:a@list.example,b@list.example>", null, true, null, null)]
    [InlineData("<javascript:alert(1)>", "List-Unsubscribe=One-Click", true, null, null)]
    public void Parse_FollowsRfc2369AndRfc8058(string field, string? post, bool requireHttps, string? oneClick, string? mailto)
    {
        var headers = new HeaderList { { "List-Unsubscribe", field } };
        if (post is not null)
        {
            headers.Add("List-Unsubscribe-Post", post);
        }
        var offer = WebmailUnsubscribe.Of(headers, requireHttps);
        Assert.Equal(oneClick, offer?.OneClick?.AbsoluteUri);
        Assert.Equal(mailto, offer?.Mailto?.To.Address);
    }

    [Fact]
    public void Mailto_HeaderInjectionInSubject_IsFlattened()
    {
        var mail = WebmailUnsubscribeMail.Parse("mailto:leave@list.example?subject=bye%0D%0ABcc:%20victim@x.example&body=stop")!;
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.DoesNotContain('\r', mail.Subject);
        Assert.Equal("stop", mail.Body);
    }

    private async Task<MailKit.Net.Imap.ImapClient> ImapAsync(string user)
    {
        var client = new MailKit.Net.Imap.ImapClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, ReaderHostFixture.Password);
        return client;
    }

    private static MimeMessage ListMessage(string user, string listUnsubscribe, bool oneClick)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Newsletter", "news@list.example"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Newsletter " + Guid.NewGuid().ToString("N");
        message.Headers.Add("List-Unsubscribe", listUnsubscribe);
        if (oneClick)
        {
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new TextPart("plain") { Text = "This week's news." };
        return message;
    }
}

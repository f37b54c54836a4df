using System.Net;
using Mail.Shared.Directory;
using Mail.Web.Hosting;
using Mail.Web.Resources;
using Mail.Web.Settings;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Webmail.Compose;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail.Security;

/// <summary>
/// Cross-site request forgery against every state-changing webmail endpoint: a signed-in session (its
/// cookies sent, as a SameSite bypass would) posting with another site's Origin and Referer and without
/// the antiforgery token is refused with 400, and nothing changes.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class CsrfTests(ComposeHostFixture host)
{
    private const string Attacker = "https://attacker.example";

    private async Task<(string User, HttpClient Client)> SignedInUserAsync()
    {
        var user = $"c{Guid.NewGuid():N}"[..12] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, user, MailHostFixture.Password);
        return (user, client);
    }

    private static async Task<HttpResponseMessage> ForgedPostAsync(HttpClient client, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Origin", Attacker);
        request.Headers.Referrer = new Uri(Attacker + "/lure.html");
        return await client.SendAsync(request);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static async Task AssertStillSignedInAsync(HttpClient client)
    {
        using var response = await client.GetAsync("mail/settings");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ForgedSignOut_IsRefused_AndTheSessionStays()
    {
        var (_, client) = await SignedInUserAsync();
        using (client)
        {
            using var response = await ForgedPostAsync(client, WebmailRoutes.SignOut, Form());
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await AssertStillSignedInAsync(client);
        }
    }

    [Fact]
    public async Task ForgedSend_IsRefused_AndNothingIsSent()
    {
        var (user, client) = await SignedInUserAsync();
        using (client)
        {
            var subject = "forged " + Guid.NewGuid().ToString("N");
            using var content = new MultipartFormDataContent
            {
                { new StringContent("compose"), "_handler" },
                { new StringContent(user), "From" },
                { new StringContent(MailHostFixture.Bob), "To" },
                { new StringContent(subject), "Subject" },
                { new StringContent("forged"), "Text" },
                { new StringContent("send"), "Action" },
            };
            using var response = await ForgedPostAsync(client, "mail/compose", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

            // Past the 5 s undo window and many outbox passes: nothing reached bob or the sender's Sent folder.
            await Task.Delay(TimeSpan.FromSeconds(7));
            Assert.Empty(await host.FindMessagesAsync(MailHostFixture.Bob, "INBOX", subject));
            using var outbox = await client.GetAsync("mail/outbox");
            Assert.DoesNotContain(subject, await outbox.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ForgedRecall_IsRefused()
    {
        var (_, client) = await SignedInUserAsync();
        using (client)
        {
            using var response = await ForgedPostAsync(client, "mail/outbox/recall", Form(("id", "0123456789abcdef0123456789abcdef")));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task ForgedSettingsForms_AreRefused_AndNothingChanges()
    {
        var (user, client) = await SignedInUserAsync();
        using (client)
        {
            var store = host.Services.GetRequiredService<WebmailSettingsStore>();
            var before = await store.GetAsync(user, CancellationToken.None);
            var identitiesBefore = (await store.GetIdentitiesAsync(user, CancellationToken.None)).Count;

            (string Form, (string, string)[] Fields)[] forged =
            [
                ("prefs", [("Theme", "dark"), ("UndoSendSeconds", "29"), ("AlwaysLoadRemoteImages", "true")]),
                ("remote", [("Action", "add"), ("Sender", "attacker.example")]),
                ("identity-new", [("Id", "0"), ("Address", user), ("DisplayName", "Forged"), ("Signature", "forged"), ("IsDefault", "true"), ("Action", "save")]),
                ("password", [("Current", MailHostFixture.Password), ("New", "Forged-Password-123"), ("Confirm", "Forged-Password-123")]),
                ("sessions", [("Action", "all")]),
            ];
            foreach (var (form, fields) in forged)
            {
                using var response = await ForgedPostAsync(client, "mail/settings", Form([("_handler", form), .. fields]));
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"form {form}: {(int)response.StatusCode}");
            }

            var after = await store.GetAsync(user, CancellationToken.None);
            Assert.Equal(before.Theme, after.Theme);
            Assert.Equal(before.UndoSendSeconds, after.UndoSendSeconds);
            Assert.Equal(before.AlwaysLoadRemoteImages, after.AlwaysLoadRemoteImages);
            Assert.Empty(await store.GetRemoteImageSendersAsync(user, CancellationToken.None));
            Assert.Equal(identitiesBefore, (await store.GetIdentitiesAsync(user, CancellationToken.None)).Count);
            await AssertStillSignedInAsync(client);
            using var again = WebmailHttp.CreateClient(host);
            await WebmailHttp.SignInAsync(again, user, MailHostFixture.Password); // the password did not change
        }
    }

    [Fact]
    public async Task ForgedRemoteImagesAllow_IsRefused_AndTheSenderIsNotAllowed()
    {
        var (user, client) = await SignedInUserAsync();
        using (client)
        {
            using var response = await ForgedPostAsync(client, WebmailImageProxyEndpoints.AllowPath.TrimStart('/'),
                Form(("sender", "tracker@attacker.example"), ("returnUrl", "/mail")));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var store = host.Services.GetRequiredService<WebmailSettingsStore>();
            Assert.Empty(await store.GetRemoteImageSendersAsync(user, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ForgedLanguageChange_IsRefused_AndNoCookieIsSet()
    {
        var (_, client) = await SignedInUserAsync();
        using (client)
        {
            using var response = await ForgedPostAsync(client, WebmailRoutes.Language.TrimStart('/'), Form(("culture", "de"), ("returnUrl", "/mail")));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies)
                && cookies.Any(c => c.StartsWith(WebmailCultures.CookieName + "=", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task BlazorCircuitNegotiation_FromAnotherSite_GetsNoCorsGrant()
    {
        // The shell's moves and deletes run over the interactive circuit: another site can neither read the
        // negotiation answer (no CORS grant) nor start a circuit without the page's protected component state.
        var (_, client) = await SignedInUserAsync();
        using (client)
        {
            using var response = await ForgedPostAsync(client, "_blazor/negotiate?negotiateVersion=1", new StringContent(""));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        }
    }
}

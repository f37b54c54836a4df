using System.Net;
using Mail.Shared.Directory;
using Mail.Web.Settings;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The settings page over HTTP against the real host on MariaDB: preferences, identities (only own addresses and
/// aliases), signatures in new messages, remote-image allow-list, password change, sessions and sign-out everywhere,
/// and CSRF refusal.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class SettingsTests(ComposeHostFixture host)
{
    private async Task<string> NewUserAsync(string password = MailHostFixture.Password)
    {
        var address = $"u{Guid.NewGuid():N}"[..12] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(address, password, CancellationToken.None));
        return address;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string html, string formName, params (string Name, string Value)[] fields)
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("_handler", formName),
            new("__RequestVerificationToken", ComposeHostFixture.Hidden(html, "__RequestVerificationToken")),
        };
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return client.PostAsync("mail/settings", new FormUrlEncodedContent(values));
    }

    private static async Task<HttpClient> SignInAsync(ComposeHostFixture host, string address, string password = MailHostFixture.Password)
    {
        var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, address, password);
        return client;
    }

    [Fact]
    public async Task Preferences_AreSaved_AndPlainTextBecomesTheComposerDefault()
    {
        var user = await NewUserAsync();
        using var client = await SignInAsync(host, user);
        var page = await client.GetStringAsync("mail/settings");
        using var response = await PostAsync(client, page, "prefs", ("ReplyAboveQuote", "true"), ("UndoSendSeconds", "20"), ("Theme", "dark"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settings = await host.Services.GetRequiredService<WebmailSettingsStore>().GetAsync(user, CancellationToken.None);
        Assert.False(settings.ComposeRichText);
        Assert.Equal(20, settings.UndoSendSeconds);
        Assert.Equal("dark", settings.Theme);
        var composer = await ComposeHostFixture.OpenComposerAsync(client);
        Assert.Contains("value=\"text\" checked", composer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_ForSomeoneElsesAddress_IsRefused_AliasIsAccepted_AndItsSignatureIsUsed()
    {
        var user = await NewUserAsync();
        var alias = "sales-" + Guid.NewGuid().ToString("N")[..8] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddAliasAsync(alias, user, CancellationToken.None));
        using var client = await SignInAsync(host, user);
        var page = await client.GetStringAsync("mail/settings");

        using (var refused = await PostAsync(client, page, "identity-new", ("Id", "0"), ("Address", MailHostFixture.Bob), ("DisplayName", "Not Bob"), ("Action", "save")))
        {
            Assert.Contains("is not yours", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var accepted = await PostAsync(client, page, "identity-new", ("Id", "0"), ("Address", alias), ("DisplayName", "Sales Team"),
            ("Signature", "Sales Team\nExample Inc."), ("IsDefault", "true"), ("Action", "save")))
        {
            Assert.Contains("Saved.", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var composer = await ComposeHostFixture.OpenComposerAsync(client);
        Assert.Contains($"<option value=\"{alias}\" selected", composer, StringComparison.Ordinal);
        Assert.Contains("-- \nSales Team\nExample Inc.", WebUtility.HtmlDecode(composer).Replace("<br>", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteImageSenders_AddDomain_MatchesSubdomainAndAddress_ThenRemove()
    {
        var user = await NewUserAsync();
        using var client = await SignInAsync(host, user);
        var page = await client.GetStringAsync("mail/settings");
        using (await PostAsync(client, page, "remote", ("Sender", "shop.example"), ("Action", "add")))
        {
        }
        var store = host.Services.GetRequiredService<WebmailSettingsStore>();
        Assert.True(await store.IsRemoteImageAllowedAsync(user, "news@mail.shop.example", CancellationToken.None));
        Assert.False(await store.IsRemoteImageAllowedAsync(user, "news@othershop.example", CancellationToken.None));
        using (await PostAsync(client, page, "remote", ("Remove", "shop.example")))
        {
        }
        Assert.False(await store.IsRemoteImageAllowedAsync(user, "news@shop.example", CancellationToken.None));
    }

    [Fact]
    public async Task PasswordChange_WrongCurrent_IsRefused_ThenChange_EndsEverySession_AndOnlyTheNewPasswordWorks()
    {
        var user = await NewUserAsync();
        using var client = await SignInAsync(host, user);
        using var other = await SignInAsync(host, user);
        var page = await client.GetStringAsync("mail/settings");

        using (var wrong = await PostAsync(client, page, "password", ("Current", "not-it"), ("New", "a-new-long-password"), ("Confirm", "a-new-long-password")))
        {
            Assert.Contains("current password is wrong", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var changed = await PostAsync(client, page, "password", ("Current", MailHostFixture.Password), ("New", "a-new-long-password"), ("Confirm", "a-new-long-password")))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }
        using (var afterward = await other.GetAsync("mail/settings"))
        {
            Assert.Equal(HttpStatusCode.Redirect, afterward.StatusCode);
            Assert.Contains("signin", afterward.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        var directory = host.Services.GetRequiredService<IMailDirectory>();
        Assert.NotNull(await directory.AuthenticateAsync(user, "a-new-long-password", CancellationToken.None));
        Assert.Null(await directory.AuthenticateAsync(user, MailHostFixture.Password, CancellationToken.None));
    }

    [Fact]
    public async Task Sessions_AreListed_AndSignOutOthers_EndsTheOtherOnly()
    {
        var user = await NewUserAsync();
        using var client = await SignInAsync(host, user);
        using var other = await SignInAsync(host, user);
        var page = await client.GetStringAsync("mail/settings");
        Assert.Equal(2, page.Split("data-testid=\"session\"").Length - 1);
        using (var ended = await PostAsync(client, page, "sessions", ("Action", "others")))
        {
            Assert.Contains("1 other session", await ended.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var stillIn = await client.GetAsync("mail/settings"))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }
        using (var signedOut = await other.GetAsync("mail/settings"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }
    }

    [Fact]
    public async Task SettingsPost_WithoutAntiforgeryToken_IsRefused()
    {
        var user = await NewUserAsync();
        using var client = await SignInAsync(host, user);
        using var response = await client.PostAsync("mail/settings", new FormUrlEncodedContent(
            [new("_handler", "sessions"), new("Action", "all")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var stillIn = await client.GetAsync("mail/settings");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }
}

using Mail.Shared.Hosting;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// Folder subscriptions in the webmail settings (IMAP SUBSCRIBE/UNSUBSCRIBE, RFC 9051 §6.3.7/§6.3.8): the page shows
/// each folder's state as the server has it, and its buttons change it on the server, where desktop clients see it.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class FolderSubscriptionBrowserTests(ReaderHostFixture host)
{
    private async Task<ImapClient> ImapAsync(string user)
    {
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, ReaderHostFixture.Password);
        return client;
    }

    private async Task<bool> IsSubscribedAsync(string user, string folder)
    {
        using var client = await ImapAsync(user);
        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true);
        await client.DisconnectAsync(true);
        return subscribed.Any(f => f.FullName == folder);
    }

    [Fact]
    public async Task SettingsButtons_SubscribeAndUnsubscribe_OnTheImapServer()
    {
        var user = await host.NewUserAsync("subs");
        const string folder = "Projekte Köln";
        using (var client = await ImapAsync(user))
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true);
            await client.GetFolder(folder).UnsubscribeAsync();
            await client.DisconnectAsync(true);
        }
        Assert.False(await IsSubscribedAsync(user, folder));

        await using var reader = await host.SignInAsync(user);
        var page = reader.Page;
        await page.GotoAsync("mail/settings");
        var row = page.Locator($"[data-testid=folder-subscription][data-folder=\"{folder}\"]");
        Assert.Equal("false", await row.GetAttributeAsync("data-subscribed"));

        await row.Locator("button").ClickAsync();
        await page.WaitForSelectorAsync($"[data-testid=folder-subscription][data-folder=\"{folder}\"][data-subscribed=true]");
        Assert.Equal("Saved.", (await page.Locator("[data-testid=settings-status]").InnerTextAsync()).Trim());
        Assert.True(await IsSubscribedAsync(user, folder));
        await page.Locator("[data-testid=folders-form]").ScrollIntoViewIfNeededAsync();
        await reader.ScreenshotAsync("settings-folder-subscriptions");

        await page.Locator($"[data-testid=folder-subscription][data-folder=\"{folder}\"] button").ClickAsync();
        await page.WaitForSelectorAsync($"[data-testid=folder-subscription][data-folder=\"{folder}\"][data-subscribed=false]");
        Assert.False(await IsSubscribedAsync(user, folder));
        Assert.Empty(reader.Errors);
    }

    [Fact]
    public async Task CrossOriginPost_ToTheSubscriptionForm_IsRefused()
    {
        var user = await host.NewUserAsync("subx");
        using (var client = await ImapAsync(user))
        {
            await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Plain", isMessageFolder: true);
            await client.GetFolder("Plain").UnsubscribeAsync();
            await client.DisconnectAsync(true);
        }
        await using var reader = await host.SignInAsync(user);
        // The signed-in browser's cookie, but no antiforgery token: what a cross-site form would send.
        var form = reader.Context.APIRequest.CreateFormData();
        form.Set("_handler", "folders");
        form.Set("Subscription", "+Plain");
        var response = await reader.Context.APIRequest.PostAsync("mail/settings", new() { Form = form });
        Assert.True(response.Status >= 400, $"status {response.Status}");
        Assert.False(await IsSubscribedAsync(user, "Plain"));
    }
}

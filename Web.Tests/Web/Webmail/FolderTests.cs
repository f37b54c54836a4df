using MailKit;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>Folder tree in chromium: create, rename, delete; names are data, never IMAP syntax.</summary>
[Collection(WebmailHostCollection.Name)]
public sealed class FolderTests(WebmailHostFixture host)
{
    [Fact]
    public async Task CreateRenameDelete_FromTheTree_ChangeTheServerFolders()
    {
        var name = "Projects" + Guid.NewGuid().ToString("N")[..6];
        await using var session = await ShellSession.SignInAsync(host, MailHostFixture.Bob);
        var page = session.Page;

        await page.FillAsync("[data-testid=new-folder-name]", name);
        await page.ClickAsync("[data-testid=new-folder]");
        await page.WaitForSelectorAsync($"a.folder[data-folder='{name}']");
        Assert.Contains(name, await ServerFoldersAsync());
        await session.ScreenshotAsync("folders-desktop");

        await page.HoverAsync($"a.folder[data-folder='{name}']");
        await page.ClickAsync($"[data-testid=rename-folder][data-folder='{name}']");
        await page.FillAsync("[data-testid=rename-folder-name]", name + "-renamed");
        await page.ClickAsync("[data-testid=rename-folder-save]");
        await page.WaitForSelectorAsync($"a.folder[data-folder='{name}-renamed']");
        var folders = await ServerFoldersAsync();
        Assert.Contains(name + "-renamed", folders);
        Assert.DoesNotContain(name, folders);

        await page.HoverAsync($"a.folder[data-folder='{name}-renamed']");
        await page.ClickAsync($"[data-testid=delete-folder][data-folder='{name}-renamed']");
        await page.ClickAsync("[data-testid=delete-folder-confirm]");
        await page.WaitForSelectorAsync($"a.folder[data-folder='{name}-renamed']", new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
        Assert.DoesNotContain(name + "-renamed", await ServerFoldersAsync());

        // INBOX and special-use folders offer no rename or delete.
        foreach (var special in new[] { "INBOX", "Trash", "Sent", "Archive" })
        {
            Assert.Equal(0, await page.Locator($"[data-testid=delete-folder][data-folder='{special}']").CountAsync());
        }
        Assert.Empty(session.Errors);
    }

    [Theory]
    [InlineData("a\" DELETE \"INBOX")]
    [InlineData("b) {5}\r\nINBOX")]
    [InlineData("c * % \\ [] ")]
    [InlineData("d (x) [y] ~ ")]
    public async Task ImapSyntaxInAFolderName_IsPartOfTheName(string hostile)
    {
        var name = hostile + Guid.NewGuid().ToString("N")[..4];
        await using var mail = await OpenSessionAsync();

        var result = await mail.CreateFolderAsync(name, CancellationToken.None);

        if (name.Any(char.IsControl))
        {
            Assert.Equal(WebmailActionResult.InvalidName, result);
            return;
        }
        if (name.IndexOfAny(['*', '%']) >= 0)
        {
            // LIST wildcards are not allowed in names: the server's NO comes back as a result, nothing else happens.
            Assert.Equal(WebmailActionResult.Refused, result);
            Assert.Contains("INBOX", await ServerFoldersAsync());
            return;
        }
        Assert.Equal(WebmailActionResult.Done, result);
        var folders = await ServerFoldersAsync();
        Assert.Contains(name.Trim(), folders);
        Assert.Contains("INBOX", folders);
        Assert.Equal(WebmailActionResult.Done, await mail.DeleteFolderAsync(name.Trim(), CancellationToken.None));
        Assert.Contains("INBOX", await ServerFoldersAsync());
    }

    [Fact]
    public async Task InboxAndSpecialFolders_CannotBeRenamedOrDeleted()
    {
        await using var mail = await OpenSessionAsync();

        Assert.Equal(WebmailActionResult.Protected, await mail.DeleteFolderAsync("INBOX", CancellationToken.None));
        Assert.Equal(WebmailActionResult.Protected, await mail.DeleteFolderAsync("Trash", CancellationToken.None));
        Assert.Equal(WebmailActionResult.Protected, await mail.RenameFolderAsync("Sent", "Other", CancellationToken.None));
        Assert.Equal(WebmailActionResult.InvalidName, await mail.CreateFolderAsync("   ", CancellationToken.None));
        Assert.Equal(WebmailActionResult.InvalidName, await mail.CreateFolderAsync(new string('x', WebmailMailSession.MaxFolderNameLength + 1), CancellationToken.None));
    }

    private Task<WebmailMailSession> OpenSessionAsync()
    {
        var protector = host.Services.GetRequiredService<WebmailCredentialProtector>();
        var principal = protector.CreatePrincipal(new WebmailCredentials(MailHostFixture.Bob, MailHostFixture.Password), "test");
        return Task.FromResult(host.Services.GetRequiredService<WebmailMailSessionFactory>().Open(principal) ?? throw new InvalidOperationException("no session"));
    }

    private async Task<List<string>> ServerFoldersAsync()
    {
        using var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob);
        var folders = await imap.GetFoldersAsync(imap.PersonalNamespaces[0]);
        var names = folders.Select(f => f.FullName).ToList();
        await imap.DisconnectAsync(true);
        return names;
    }
}

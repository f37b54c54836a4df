using System.Collections.Concurrent;
using System.Text;
using MailKit.Net.Smtp;
using Mail.Protocols.Store;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Filtering;
using Mail.Web.Tests.Web.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// The whole host on MariaDB with real spamd behind SMTP-in (so messages get our Authentication-Results field and a
/// verdict record), and one-click unsubscribe allowed to reach loopback (test configuration only; plain http allowed
/// for the local listener). Helpers: fresh users, delivery through the store or SMTP-in, a signed-in chromium page.
/// </summary>
public sealed class ReaderHostFixture() : MailHostFixture(new Dictionary<string, string?>
{
    ["Mail:Database:Provider"] = "MySql",
    ["ConnectionStrings:Platform"] = PlatformTestServices.FreshMySqlConnectionString(),
    ["Mail:Filters:Spamd:Endpoint"] = FilterDaemons.Spamd,
    ["Mail:Filters:Spamd:TimeoutSeconds"] = "30",
    // GTUBE scores 999: file it as junk instead of refusing it, so the reader can explain the verdict.
    ["Mail:Filters:RejectScore"] = "100000",
    ["Mail:Webmail:Unsubscribe:AllowedNetworks:0"] = "127.0.0.1/32",
    ["Mail:Webmail:Unsubscribe:RequireHttps"] = "false",
    // A 20-page document can be paged through entirely (PdfPreviewCacheTests).
    ["Mail:Webmail:PdfPreview:MaxPages"] = "20",
})
{
    /// <summary>A new account (random local part) with the test password.</summary>
    public async Task<string> NewUserAsync(string prefix)
    {
        var user = (prefix + Guid.NewGuid().ToString("N"))[..16] + "@" + Domain;
        Assert.Equal(DirectoryChangeResult.Done, await Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, Password, CancellationToken.None));
        return user;
    }

    /// <summary>Stores <paramref name="message"/> in <paramref name="user"/>'s INBOX directly (no SMTP-in); returns its UID.</summary>
    public async Task<uint> DeliverAsync(string user, MimeMessage message)
    {
        using var buffer = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, buffer);
        buffer.Position = 0;
        var outcome = await Services.GetRequiredService<IMailStore>().DeliverAsync([user], buffer, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(StoreStatus.Ok, outcome[0].Status);
        return outcome[0].Uid;
    }

    /// <summary>Sends <paramref name="raw"/> through SMTP-in (real scan stage, spamd) from <paramref name="sender"/> to <paramref name="user"/>.</summary>
    public async Task SendThroughSmtpInAsync(string sender, string user, string raw)
    {
        var endpoint = Endpoint(MailEndpoints.SmtpIn);
        using var client = new SmtpClient { Timeout = 60_000 };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, MailKit.Security.SecureSocketOptions.None);
        using var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
        await client.SendAsync(message, new MailboxAddress("", sender), [new MailboxAddress("", user)]);
        await client.DisconnectAsync(true);
    }

    /// <summary>A chromium page signed in as <paramref name="user"/>, in <paramref name="timeZone"/> and <paramref name="scheme"/>.</summary>
    public async Task<ReaderPage> SignInAsync(string user, ViewportSize? viewport = null, string timeZone = "Europe/Berlin", ColorScheme scheme = ColorScheme.Light)
    {
        var (playwright, browser) = await WebmailBrowser.LaunchAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = viewport ?? ShellSession.Desktop,
            Locale = "en-US",
            TimezoneId = timeZone,
            ColorScheme = scheme,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var reader = new ReaderPage(playwright, browser, context, page);
        context.Request += (_, request) => reader.Requests.Enqueue(request.Url);
        page.Dialog += (_, dialog) =>
        {
            reader.Errors.Enqueue("dialog: " + dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => reader.Errors.Enqueue("page error: " + error);
        await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
        await page.FillAsync("#address", user);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.WaitForSelectorAsync("[data-testid=compose-new]");
        return reader;
    }
}

/// <summary>A signed-in chromium page; collects requests, dialogs and page errors.</summary>
public sealed class ReaderPage(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    public IBrowserContext Context => context;

    /// <summary>Every URL the browser requested.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Dialogs and page errors (a message script running would show here).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Opens message <paramref name="uid"/> of <paramref name="folder"/> and waits for the interactive reader.</summary>
    public async Task OpenAsync(string folder, uint uid, string extra = "")
    {
        await page.GotoAsync(WebmailRoutes.Message(folder, uid) + extra);
        await page.WaitForSelectorAsync("[data-testid=message-view]");
        await ShellSession.WaitInteractiveAsync(page);
    }

    /// <summary>Saves a screenshot under webmail-screenshots/ and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(WebmailBrowser.ScreenshotFolder(), name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}

/// <summary>One <see cref="ReaderHostFixture"/> for the reader tests.</summary>
[CollectionDefinition(Name)]
public sealed class ReaderHostCollection : ICollectionFixture<ReaderHostFixture>
{
    public const string Name = "ReaderHost";
}

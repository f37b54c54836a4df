using System.Net;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Lists;
using Mail.Web.Hosting;
using Mail.Web.Tests.Protocols.Filtering;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// The reader's authentication results, "why this is junk" from the verdict record, and the sender allow/block buttons,
/// in Debian chromium against the real host (SMTP-in with spamd, MariaDB platform).
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class TrustBrowserTests(ReaderHostFixture host)
{
    [Fact]
    public async Task JunkFromSmtpIn_ShowsWhyJunkWithSpamdRules_BlockThenAllowWriteTheSenderList()
    {
        var user = await host.NewUserAsync("junk");
        var subject = "Junk " + Guid.NewGuid().ToString("N");
        var raw = $"From: Deals <deals@promo.example>\r\nTo: {user}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@promo.example>\r\n"
            + $"Date: {DateTimeOffset.UtcNow:R}\r\n\r\n{FilterTestMessages.Gtube}\r\n";
        await host.SendThroughSmtpInAsync("deals@promo.example", user, raw);
        var verdicts = host.Services.GetRequiredService<IVerdictStore>();
        var record = (await verdicts.ListAsync(user, 1, CancellationToken.None)).Single();
        Assert.Equal(FilterAction.Junk, record.Action);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync(record.Mailbox, record.Uid);
        var verdict = reader.Page.Locator("[data-testid=verdict]");
        Assert.Equal("Junk", await verdict.GetAttributeAsync("data-action"));
        Assert.True(await verdict.EvaluateAsync<bool>("d => d.open"));
        var text = await verdict.InnerTextAsync();
        Assert.Contains("Why this is junk", text, StringComparison.Ordinal);
        Assert.Contains("spamd", text, StringComparison.Ordinal);
        Assert.Contains("GTUBE", text, StringComparison.Ordinal);
        // Our own Authentication-Results field was found (SMTP-in always adds one; offline it may say "none").
        await reader.Page.WaitForSelectorAsync("[data-testid=auth-results], [data-testid=auth-none]");
        await reader.ScreenshotAsync("reader-why-junk");

        await reader.Page.ClickAsync("[data-testid=always-block]");
        await reader.Page.WaitForSelectorAsync("[data-testid=sender-listed][data-kind=Block]");
        var lists = host.Services.GetRequiredService<ISenderListStore>();
        var entry = (await lists.ListAsync(SenderListScope.User, user, CancellationToken.None)).Single();
        Assert.Equal(("deals@promo.example", SenderListKind.Block), (entry.Pattern, entry.Kind));

        await ShellSession.WaitInteractiveAsync(reader.Page);
        await reader.Page.ClickAsync("[data-testid=always-allow]");
        await reader.Page.WaitForSelectorAsync("[data-testid=sender-listed][data-kind=Allow]");
        entry = (await lists.ListAsync(SenderListScope.User, user, CancellationToken.None)).Single();
        Assert.Equal(SenderListKind.Allow, entry.Kind);
        Assert.Empty(reader.Errors);
    }

    [Fact]
    public async Task AuthenticationResults_OnlyTheTopmostFieldWithOurAuthservId_IsShown()
    {
        var user = await host.NewUserAsync("auth");
        var trusted = Message(user, "mail.test; spf=pass smtp.mailfrom=news@shop.example; dkim=pass header.d=shop.example; dmarc=fail header.from=shop.example",
            "mail.test; spf=fail smtp.mailfrom=x; dkim=fail header.d=x; dmarc=pass header.from=x");
        var forged = Message(user, "other.example; spf=pass smtp.mailfrom=x; dkim=pass header.d=x; dmarc=pass header.from=x", null);
        var trustedUid = await host.DeliverAsync(user, trusted);
        var forgedUid = await host.DeliverAsync(user, forged);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", trustedUid);
        await reader.Page.WaitForSelectorAsync("[data-testid=auth-results] li[data-method=dmarc]");
        var results = reader.Page.Locator("[data-testid=auth-results] li");
        Assert.Equal(3, await results.CountAsync());
        Assert.Equal(["spf:pass", "dkim:pass", "dmarc:fail"], await results.EvaluateAllAsync<string[]>(
            "items => items.map(i => i.dataset.method + ':' + i.dataset.result)"));
        await reader.ScreenshotAsync("reader-auth-results");

        await reader.OpenAsync("INBOX", forgedUid);
        await reader.Page.WaitForSelectorAsync("[data-testid=auth-none]");
        Assert.Equal(0, await reader.Page.Locator("[data-testid=auth-results]").CountAsync());
    }

    [Fact]
    public async Task SenderListPost_WithoutAntiforgeryToken_IsRefused()
    {
        var user = await host.NewUserAsync("csrf");
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, user, ReaderHostFixture.Password);
        using var response = await client.PostAsync(WebmailReaderEndpoints.SendersPath.TrimStart('/'), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sender"] = "evil@attacker.example",
            ["kind"] = "allow",
            ["folder"] = "INBOX",
            ["uid"] = "1",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await host.Services.GetRequiredService<ISenderListStore>().ListAsync(SenderListScope.User, user, CancellationToken.None));
    }

    private static MimeMessage Message(string user, string top, string? lower)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Shop", "news@shop.example"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Auth " + Guid.NewGuid().ToString("N");
        message.Body = new TextPart("plain") { Text = "Hello." };
        if (lower is not null)
        {
            message.Headers.Insert(0, new Header("Authentication-Results", lower));
        }
        message.Headers.Insert(0, new Header("Authentication-Results", top));
        return message;
    }
}

using MailKit;
using Mail.Shared.Platform;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Compose;

/// <summary>
/// The conversation view across folders in chromium on MariaDB: a message, the user's reply sent from the
/// webmail (saved to Sent) and the sender's answer form one conversation of three, read in order.
/// </summary>
[Collection(ComposeHostCollection.Name)]
public sealed class ConversationBrowserTests(ComposeHostFixture host)
{
    private async Task DeliverAsync(string to, MimeMessage message)
    {
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        stream.Position = 0;
        var outcome = await host.Services.GetRequiredService<Mail.Protocols.Store.IMailStore>().DeliverAsync([to], stream, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(Mail.Protocols.Store.StoreStatus.Ok, outcome[0].Status);
    }

    [Fact]
    public async Task MessageReplyAndAnswer_FormOneConversationOfThree_SpanningInboxAndSent()
    {
        var me = await Webmail.ListSelectionTests.NewUserAsync(host, "conv");
        var other = await Webmail.ListSelectionTests.NewUserAsync(host, "peer");
        var subject = "Plans " + Guid.NewGuid().ToString("N")[..8];
        var first = new MimeMessage
        {
            Subject = subject,
            MessageId = $"first-{Guid.NewGuid():N}@example.com",
            Date = DateTimeOffset.UtcNow.AddMinutes(-10),
            Body = new TextPart("plain") { Text = "Shall we meet on Friday?" },
        };
        first.From.Add(MailboxAddress.Parse(other));
        first.To.Add(MailboxAddress.Parse(me));
        await DeliverAsync(me, first);
        // An unrelated message must stay a conversation of its own.
        var unrelated = new MimeMessage { Subject = "Unrelated " + subject, MessageId = $"other-{Guid.NewGuid():N}@example.com", Body = new TextPart("plain") { Text = "x" } };
        unrelated.From.Add(MailboxAddress.Parse(other));
        unrelated.To.Add(MailboxAddress.Parse(me));
        await DeliverAsync(me, unrelated);

        uint uid;
        using (var imap = await host.ImapAsync(me))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            uid = Assert.Single(await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.HeaderContains("Message-ID", first.MessageId))).Id;
        }

        await using var session = await Webmail.ShellSession.SignInAsync(host, me);
        var page = session.Page;
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(WebmailRoutes.Message("INBOX", uid));
        await page.WaitForSelectorAsync("[data-testid=message-view]");
        await page.ClickAsync("[data-testid=reply]");
        await page.WaitForSelectorAsync("[data-testid=composer]");
        await page.CheckAsync("[data-testid=format-text]");
        await page.FillAsync("[data-testid=compose-text]", "Friday works for me.");
        await page.ClickAsync("[data-testid=compose-send]");
        var reply = await host.WaitForMessageAsync(other, "INBOX", "Re: " + subject);
        Assert.Equal(first.MessageId, reply.InReplyTo);
        await host.WaitForMessageAsync(me, "Sent", "Re: " + subject);

        var answer = new MimeMessage
        {
            Subject = "Re: " + subject,
            MessageId = $"answer-{Guid.NewGuid():N}@example.com",
            InReplyTo = reply.MessageId ?? throw new InvalidOperationException("the reply has no Message-ID"),
            Date = DateTimeOffset.UtcNow.AddMinutes(1),
            Body = new TextPart("plain") { Text = "Great, see you then." },
        };
        answer.References.AddRange([.. reply.References, reply.MessageId]);
        answer.From.Add(MailboxAddress.Parse(other));
        answer.To.Add(MailboxAddress.Parse(me));
        await DeliverAsync(me, answer);

        await page.GotoAsync(WebmailRoutes.Conversations);
        await Webmail.ShellSession.WaitInteractiveAsync(page);
        var row = page.Locator($".row[data-thread]:has-text('{subject}'):not(:has-text('Unrelated'))");
        await row.WaitForAsync();
        Assert.Equal("3", await row.GetAttributeAsync("data-count"));
        Assert.Equal(1, await page.Locator($".row[data-thread]:has-text('Unrelated {subject}')").CountAsync());
        Assert.Equal("1", await page.Locator($".row[data-thread]:has-text('Unrelated {subject}')").GetAttributeAsync("data-count"));
        await session.ScreenshotAsync("conversation-list-desktop");

        await row.Locator("a.conversation").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=conversation-view][data-count='3']");
        var folders = await page.Locator("[data-testid=conversation-message]").EvaluateAllAsync<string[]>("ms => ms.map(m => m.querySelector('[data-testid=message-folder]').textContent.trim())");
        Assert.Equal(["Inbox", "Sent", "Inbox"], folders);
        var texts = await page.Locator("[data-testid=conversation-text]").AllInnerTextsAsync();
        Assert.Contains("Shall we meet", texts[0], StringComparison.Ordinal);
        Assert.Contains("Friday works for me.", texts[1], StringComparison.Ordinal);
        Assert.Contains("Great, see you then.", texts[2], StringComparison.Ordinal);
        await session.ScreenshotAsync("conversation-view-desktop");
        await page.SetViewportSizeAsync(Webmail.ShellSession.Phone.Width, Webmail.ShellSession.Phone.Height);
        await page.Locator("[data-testid=conversation-view]").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("conversation-view-phone");

        // The index is incremental: a fourth message is found from UIDNEXT on, into the same conversation.
        var followUp = new MimeMessage
        {
            Subject = "Re: " + subject,
            MessageId = $"later-{Guid.NewGuid():N}@example.com",
            InReplyTo = answer.MessageId,
            Date = DateTimeOffset.UtcNow.AddMinutes(2),
            Body = new TextPart("plain") { Text = "One more thing." },
        };
        followUp.References.AddRange([.. answer.References, answer.MessageId]);
        followUp.From.Add(MailboxAddress.Parse(other));
        followUp.To.Add(MailboxAddress.Parse(me));
        await DeliverAsync(me, followUp);
        await page.ClickAsync("[data-testid=back-to-list]");
        await page.WaitForSelectorAsync($".row[data-thread][data-count='4']:has-text('{subject}')");
        await page.Locator("[data-testid=conversation-list]").ScrollIntoViewIfNeededAsync();
        await session.ScreenshotAsync("conversation-list-phone");

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        var marks = await db.WebmailThreadFolders.Where(f => f.UserAddress == me).ToListAsync();
        Assert.Contains(marks, m => m.Folder == "INBOX" && m.UidNext > 3 && m.HighestModSeq > 0);
        Assert.Contains(marks, m => m.Folder == "Sent");
        Assert.Empty(session.Errors);
    }
}

using MailKit;
using MailKit.Search;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The list's Date column shows when a message arrived (INTERNALDATE), the order the list's Date sort uses (UID order /
/// SORT ARRIVAL), not the sender's Date header: a message written in 1996 and delivered now sits at the top of the list
/// and says so, instead of reading "1996" above today's mail (found by a newcomer trial).
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ListDateTests(WebmailHostFixture host)
{
    [Fact]
    public async Task ListRow_ShowsInternalDate_NotTheDateHeader()
    {
        var name = "Dates" + Guid.NewGuid().ToString("N")[..6];
        var arrived = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);
        using (var imap = await ListImap.ConnectAsync(host, MailHostFixture.Bob))
        {
            var folder = await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync(name, true);
            var old = new MimeMessage { Subject = "Written long ago", Date = new DateTimeOffset(1996, 4, 1, 12, 0, 0, TimeSpan.Zero) };
            old.From.Add(new MailboxAddress("Old", "old@example.com"));
            old.To.Add(new MailboxAddress("Bob", MailHostFixture.Bob));
            old.Body = new TextPart("plain") { Text = "Hello from 1996.\r\n" };
            Assert.NotNull(folder);
            await folder.AppendAsync(old, MessageFlags.None, arrived);
            await imap.DisconnectAsync(true);
        }

        var options = new WebmailOptions();
        var connector = new WebmailImapConnector(Options.Create(options), host.Services.GetRequiredService<MailEndpoints>(), NullLogger<WebmailImapConnector>.Instance);
        await using var session = new WebmailMailSession(new WebmailCredentials(MailHostFixture.Bob, MailHostFixture.Password), connector, options, NullLogger.Instance);
        var page = await session.GetMessagesAsync(name, 1, CancellationToken.None);
        Assert.NotNull(page);
        var row = Assert.Single(page.Messages);
        Assert.Equal(arrived, row.Date);
    }
}

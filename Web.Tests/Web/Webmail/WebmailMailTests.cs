using System.Net;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail;

[Collection(WebmailHostCollection.Name)]
public partial class WebmailMailTests(WebmailHostFixture host)
{
    private const string JavascriptMessage = "html/sa__nice__handler_javascript.eml";
    private const string AttachmentMessage = "html/mailparser__nodemailer.eml";
    private const string PlainMessage = "ham/rubymail__plain_emails__basic_email.eml";

    [GeneratedRegex("data-uid=\"(\\d+)\"")]
    private static partial Regex RowUid();

    [Fact]
    public async Task MessageList_PrerendersTheNewestRowsFirst_TheCircuitScrollsTheRest()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var total = await ImapAsync(async inbox => inbox.Count);
        Assert.True(total > WebmailHostFixture.PageSize, "the corpus is longer than the first paint");

        var html = await client.GetStringAsync("/mail?folder=INBOX");
        var uids = RowUid().Matches(html).Select(m => uint.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();

        Assert.Equal(WebmailHostFixture.PageSize, uids.Count);
        Assert.Equal(uids.OrderByDescending(u => u), uids);
        Assert.Equal(host.UidOf.Values.OrderByDescending(u => u).Take(WebmailHostFixture.PageSize), uids);
        Assert.Contains($"aria-rowcount=\"{WebmailHostFixture.PageSize}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderList_ShowsEveryFolderWithItsUnreadCount()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var unread = await ImapAsync(async inbox =>
        {
            await inbox.StatusAsync(StatusItems.Unread);
            return inbox.Unread;
        });

        var html = await client.GetStringAsync("/mail");

        foreach (var folder in new[] { "INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive" })
        {
            Assert.Contains($"data-folder=\"{folder}\"", html, StringComparison.Ordinal);
        }
        Assert.True(unread > 0);
        Assert.Matches($"title=\"{unread} unread\"[^>]*>{unread}</span>", html);
    }

    [Fact]
    public async Task OpeningAMessage_ShowsItsHeaders_AndMarksItSeen()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var uid = host.UidOf[AttachmentMessage];
        var corpus = MimeMessage.Load(WebmailCorpus.File(AttachmentMessage));
        await ImapAsync(async inbox =>
        {
            await inbox.RemoveFlagsAsync(new UniqueId(uid), MessageFlags.Seen, silent: true);
            return 0;
        });

        var html = await client.GetStringAsync(WebmailRoutes.Message("INBOX", uid));

        var text = WebUtility.HtmlDecode(html);
        Assert.Contains(corpus.Subject ?? "", text, StringComparison.Ordinal);
        Assert.Contains(corpus.From.Mailboxes.First().Address, text, StringComparison.Ordinal);
        Assert.Contains("sandbox=\"allow-popups\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"attachments\"", html, StringComparison.Ordinal);
        var flags = await ImapAsync(async inbox =>
            (await inbox.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Flags)).Single().Flags);
        Assert.True(flags?.HasFlag(MessageFlags.Seen));
        var unread = await ImapAsync(async inbox =>
        {
            await inbox.StatusAsync(StatusItems.Unread);
            return inbox.Unread;
        });
        Assert.Matches($"title=\"{unread} unread\"[^>]*>{unread}</span>", html); // the folder list already counts it as read
    }

    [Fact]
    public async Task PlainTextBody_IsEscaped_AndKeepsItsLineBreaks()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var corpus = MimeMessage.Load(WebmailCorpus.File(PlainMessage));
        Assert.Null(corpus.HtmlBody);

        var html = await client.GetStringAsync(WebmailRoutes.Message("INBOX", host.UidOf[PlainMessage]));

        var lines = (corpus.TextBody ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains("data-testid=\"message-text\"", html, StringComparison.Ordinal);
        var text = Regex.Match(html, "data-testid=\"message-text\"[^>]*>(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.DoesNotContain('<', text);
        var decoded = WebUtility.HtmlDecode(text);
        Assert.Contains("\n\n", decoded, StringComparison.Ordinal);
        foreach (var line in lines)
        {
            Assert.Contains(line, decoded, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("<iframe", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyEndpoint_ServesTheSanitizedHtml_WithItsOwnStrictPolicy()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        using var response = await client.GetAsync(WebmailRoutes.BodyOf("INBOX", host.UidOf[JavascriptMessage]));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(WebmailMailApi.BodyPolicy, csp);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("sandbox", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", csp, StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("ORIGINAL_BODY_MARKER", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("JSSENTINEL", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BodyEndpoint_EmbedsCidImagesAsDataUrls()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        var html = await client.GetStringAsync(WebmailRoutes.BodyOf("INBOX", host.UidOf[AttachmentMessage]));

        Assert.DoesNotContain("cid:", html, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyEndpoint_ForAMessageWithoutHtml_Is404()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        using var response = await client.GetAsync(WebmailRoutes.BodyOf("INBOX", host.UidOf[PlainMessage]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Attachment_DownloadsAsAttachment_WithItsDecodedBytesAndEncodedName()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var corpus = MimeMessage.Load(WebmailCorpus.File(AttachmentMessage));
        var attachments = WebmailMessageParts.Of(corpus).Attachments;
        var index = attachments.ToList().FindIndex(a => WebmailMessageParts.FileNameOf(a, 0).Any(c => c > 127));
        Assert.True(index >= 0, "the corpus message has an attachment with a non-ASCII name");
        var expected = new MemoryStream();
        await WebmailMessageParts.WriteContentAsync(attachments[index], expected, CancellationToken.None);
        var name = WebmailMessageParts.FileNameOf(attachments[index], index);

        using var response = await client.GetAsync(WebmailRoutes.AttachmentOf("INBOX", host.UidOf[AttachmentMessage], index));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);
        Assert.Contains("filename*=UTF-8''", response.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(attachments[index].ContentType.MimeType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task MissingMessage_ShowsAFriendlyNotFound()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        using var message = await client.GetAsync(WebmailRoutes.Message("INBOX", 999_999));
        using var folder = await client.GetAsync(WebmailRoutes.List("No such folder"));

        foreach (var response in new[] { message, folder })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("data-testid=\"not-found\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    /// <summary>Runs <paramref name="action"/> on alice's INBOX, opened read-write, over the host's own IMAP listener.</summary>
    private async Task<T> ImapAsync<T>(Func<IMailFolder, Task<T>> action)
    {
        using var imap = new ImapClient();
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        await imap.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(MailHostFixture.Alice, MailHostFixture.Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var result = await action(imap.Inbox);
        await imap.DisconnectAsync(true);
        return result;
    }
}

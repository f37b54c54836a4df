using System.Diagnostics;
using System.Net;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// PDF previews paged through over HTTP against the real host and poppler: the session's preview cache
/// (<see cref="WebmailPreviewCache"/>) fetches the message once, is never shared between sign-ins, and empties at sign-out.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class PdfPreviewCacheTests(ReaderHostFixture host, ITestOutputHelper output)
{
    private const int Pages = 20;

    /// <summary>A message with one <paramref name="pages"/>-page PDF of about <paramref name="padding"/> octets.</summary>
    private static MimeMessage WithPdf(string user, int pages, int padding)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Pat", "pat@example.org"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Document " + Guid.NewGuid().ToString("N");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "The document." },
            new MimePart("application", "pdf")
            {
                Content = new MimeContent(new MemoryStream(TestPdf.Valid(pages, padding))),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = "document.pdf",
            },
        };
        return message;
    }

    [Fact]
    public async Task PagingThroughA20PagePdf_FetchesTheMessageOnce_AnotherSignInMissesTheCache_SignOutEmptiesIt()
    {
        var alice = await host.NewUserAsync("pdfa");
        var bob = await host.NewUserAsync("pdfb");
        var uid = await host.DeliverAsync(alice, WithPdf(alice, Pages, 64 * 1024));
        // Same folder, same UID, same attachment index: only the session tells the two apart.
        Assert.Equal(uid, await host.DeliverAsync(bob, WithPdf(bob, 1, 0)));
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        var cache = host.Services.GetRequiredService<WebmailPreviewCache>();

        using var aliceClient = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(aliceClient, alice, ReaderHostFixture.Password);
        for (var page = 1; page <= Pages; page++)
        {
            using var png = await aliceClient.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, page));
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", WebmailRasterImage.Sniff(await png.Content.ReadAsByteArrayAsync()));
        }
        using (var again = await aliceClient.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 7)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        Assert.Equal(1, pool.MessageDownloadsOf(alice));
        Assert.True(cache.CountOf(alice) >= Pages, "the PDF and its pages are cached");

        // Bob's message 1 has one page: a hit on alice's entry would serve her page 2.
        using var bobClient = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(bobClient, bob, ReaderHostFixture.Password);
        using (var second = await bobClient.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 2)))
        {
            Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        }
        using (var first = await bobClient.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 1)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.Equal(1, pool.MessageDownloadsOf(bob));

        // Sign-out drops alice's entries; her next sign-in (another session) fetches again.
        var token = await WebmailHttp.FormTokenAsync(aliceClient, WebmailRoutes.Mail);
        using (var signOut = await aliceClient.PostAsync(WebmailRoutes.SignOut, new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cache.CountOf(alice) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, cache.CountOf(alice));
        using var later = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(later, alice, ReaderHostFixture.Password);
        using (var page3 = await later.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 3)))
        {
            Assert.Equal(HttpStatusCode.OK, page3.StatusCode);
        }
        Assert.Equal(1, pool.MessageDownloadsOf(alice));
    }

    /// <summary>
    /// The same 20-page, 2 MiB PDF paged through twice on this host and on a node with the cache off (the behaviour before
    /// it: every page fetched the whole message), page by page in turn so both see the same machine load. Figures go to
    /// the test output; only the fetch counts are asserted (never wall-clock speed).
    /// </summary>
    [Fact]
    public async Task PagingThroughA20PagePdf_FetchesEveryPageWithoutTheCache_OnceWithIt()
    {
        await using var uncachedNode = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:PdfPreview:CacheOctets"] = "0",
            ["Mail:Webmail:PdfPreview:MaxPages"] = Pages.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var user = await host.NewUserAsync("pdft");
        var uid = await host.DeliverAsync(user, WithPdf(user, Pages, 2 * 1024 * 1024));
        using var stored = new MemoryStream();
        await WithPdf(MailHostFixture.Bob, Pages, 2 * 1024 * 1024).WriteToAsync(stored);
        stored.Position = 0;
        var delivered = await uncachedNode.Services.GetRequiredService<Mail.Protocols.Store.IMailStore>()
            .DeliverAsync([MailHostFixture.Bob], stored, DateTimeOffset.UtcNow, CancellationToken.None);
        var uncachedUid = delivered[0].Uid;

        using var cached = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(cached, user, ReaderHostFixture.Password);
        using var uncached = WebmailHttp.CreateClient(uncachedNode);
        await WebmailHttp.SignInAsync(uncached, MailHostFixture.Bob, MailHostFixture.Password);

        foreach (var pass in new[] { "first", "again" })
        {
            var withCache = new List<double>();
            var without = new List<double>();
            for (var page = 1; page <= Pages; page++)
            {
                without.Add(await TimePageAsync(uncached, uncachedUid, page));
                withCache.Add(await TimePageAsync(cached, uid, page));
            }
            output.WriteLine($"{pass} pass, 20 pages: without cache {Summary(without)}; with cache {Summary(withCache)}");
        }
        Assert.Equal(2 * Pages, uncachedNode.Services.GetRequiredService<WebmailConnectionPool>().MessageDownloadsOf(MailHostFixture.Bob));
        Assert.Equal(1, host.Services.GetRequiredService<WebmailConnectionPool>().MessageDownloadsOf(user));
    }

    private static async Task<double> TimePageAsync(HttpClient client, uint uid, int page)
    {
        var clock = Stopwatch.StartNew();
        using var png = await client.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, page));
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        await png.Content.ReadAsByteArrayAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Summary(List<double> times)
    {
        var sorted = times.Order().ToList();
        return $"total {sorted.Sum():F0} ms, median {sorted[sorted.Count / 2]:F1} ms, max {sorted[^1]:F1} ms per page";
    }
}

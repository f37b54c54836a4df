using System.Net;
using Mail.Web.Hosting;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// PDF attachment previews in Debian chromium: pages rendered to PNG on the server (poppler), served with the download
/// headers; a damaged PDF says "preview unavailable" instead of showing images, and the PDF itself is never embedded.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class PdfPreviewBrowserTests(ReaderHostFixture host)
{
    [Fact]
    public async Task PdfAttachment_ShowsItsPagesAsServerRenderedPngs_DamagedOneSaysPreviewUnavailable()
    {
        var user = await host.NewUserAsync("pdf");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Pat", "pat@example.org"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Report " + Guid.NewGuid().ToString("N");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Two documents." },
            Part("report.pdf", TestPdf.Valid(2)),
            Part("broken.pdf", TestPdf.Damaged),
        };
        var uid = await host.DeliverAsync(user, message);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        var page = reader.Page;
        page.SetDefaultTimeout(60_000);
        await page.WaitForSelectorAsync("[data-testid=pdf-preview][data-state=ready]");
        await page.WaitForSelectorAsync("[data-testid=pdf-preview-unavailable]");
        var pages = page.Locator("[data-testid=pdf-page]");
        Assert.Equal(2, await pages.CountAsync());
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=pdf-page]')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.Contains("broken.pdf", await page.Locator("[data-testid=pdf-preview-unavailable]").TextContentAsync() ?? "", StringComparison.Ordinal);
        // The PDF is never embedded: no object, embed or frame shows it.
        Assert.Equal(0, await page.Locator("object, embed, iframe[src*='attachment']").CountAsync());
        Assert.Empty(reader.Errors);
        await reader.ScreenshotAsync("reader-pdf-preview");

        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, user, ReaderHostFixture.Password);
        using (var png = await client.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 2)))
        {
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", png.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains("sandbox", png.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("image/png", WebmailRasterImage.Sniff(await png.Content.ReadAsByteArrayAsync()));
        }
        using (var missing = await client.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 0, 3)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        using (var broken = await client.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 1, 1)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
            Assert.Contains("Preview unavailable", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Not a PDF attachment (index 9 does not exist; the text body is no attachment): 404.
        using var none = await client.GetAsync(WebmailRoutes.PdfPageOf("INBOX", uid, 9, 1));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    private static MimePart Part(string name, byte[] content) => new("application", "pdf")
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = name,
    };
}

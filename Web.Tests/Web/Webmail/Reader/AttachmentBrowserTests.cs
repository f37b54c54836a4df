using System.IO.Compression;
using System.Net;
using Mail.Web.Hosting;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>
/// Attachment previews (raster images only, re-served under the download headers) and "download all as zip" (streamed,
/// sanitized names), in Debian chromium and over HTTP.
/// </summary>
[Collection(ReaderHostCollection.Name)]
public sealed class AttachmentBrowserTests(ReaderHostFixture host)
{
    // A 2x2 red PNG.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAxMDAAAAhBQEBkP+1VAAAAABJRU5ErkJggg==");

    [Fact]
    public async Task ImagePreview_IsShown_ZipHoldsEveryAttachmentUnderSafeNames()
    {
        var user = await host.NewUserAsync("att");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Pat", "pat@example.org"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "Photos " + Guid.NewGuid().ToString("N");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "See attached." },
            Part("image", "png", "../../photo.png", Png),
            Part("image", "svg+xml", "evil.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.canary=1\"/>"u8.ToArray()),
            Part("image", "png", "fake.png", "<html><script>window.canary=2</script></html>"u8.ToArray()),
            Part("application", "pdf", "report.pdf", "%PDF-1.4\n%test\n"u8.ToArray()),
        };
        var uid = await host.DeliverAsync(user, message);

        await using var reader = await host.SignInAsync(user);
        await reader.OpenAsync("INBOX", uid);
        var previews = reader.Page.Locator("[data-testid=attachment-preview]");
        await previews.First.WaitForAsync();
        // The PNG and the fake PNG get an <img>; SVG never does. The fake one fails to load (404: not a raster image).
        Assert.Equal(2, await previews.CountAsync());
        await reader.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=attachment-preview]')].every(i => i.complete)");
        Assert.Equal(new[] { 2, 0 }, await previews.EvaluateAllAsync<int[]>("imgs => imgs.map(i => i.naturalWidth)"));
        Assert.Null(await reader.Page.EvaluateAsync<int?>("() => window.canary ?? null"));
        await reader.ScreenshotAsync("reader-attachments");

        Assert.Equal(WebmailRoutes.ZipOf("INBOX", uid), await reader.Page.GetAttributeAsync("[data-testid=download-all]", "href"));

        // Over HTTP: the preview carries the download headers; an SVG or disguised file is never re-served as an image.
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, user, ReaderHostFixture.Password);
        using var ok = await client.GetAsync(WebmailRoutes.PreviewOf("INBOX", uid, 0));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/png", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", ok.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", ok.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("attachment", ok.Content.Headers.ContentDisposition?.DispositionType);
        using (var zipResponse = await client.GetAsync(WebmailRoutes.ZipOf("INBOX", uid), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, zipResponse.StatusCode);
            Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType?.MediaType);
            using var zip = new ZipArchive(new MemoryStream(await zipResponse.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
            Assert.Equal(["photo.png", "evil.svg", "fake.png", "report.pdf"], zip.Entries.Select(e => e.FullName));
            using var photo = new MemoryStream();
            await using (var entry = await zip.Entries[0].OpenAsync())
            {
                await entry.CopyToAsync(photo);
            }
            Assert.Equal(Png, photo.ToArray());
        }
        foreach (var index in new[] { 1, 2, 3, 9 })
        {
            using var refused = await client.GetAsync(WebmailRoutes.PreviewOf("INBOX", uid, index));
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
    }

    private static MimePart Part(string media, string sub, string name, byte[] content) => new(media, sub)
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = name,
    };
}

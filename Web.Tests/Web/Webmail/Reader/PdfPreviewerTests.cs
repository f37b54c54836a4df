using Mail.Web.Webmail;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Tests.Web.Webmail.Reader;

/// <summary>The PDF previewer against the real poppler tools (Debian poppler-utils, installed by scripts/services.sh).</summary>
public sealed class PdfPreviewerTests
{
    private static WebmailPdfPreviewer Previewer(Action<WebmailPdfPreviewOptions>? configure = null)
    {
        var options = new WebmailPdfPreviewOptions();
        configure?.Invoke(options);
        return new WebmailPdfPreviewer(Options.Create(options), NullLogger<WebmailPdfPreviewer>.Instance);
    }

    private static MimePart Part(byte[] content) => new("application", "pdf")
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = "doc.pdf",
    };

    [Fact]
    public async Task ValidPdf_CountsPages_AndRendersEachToPngWithinThePixelLimit()
    {
        using var previewer = Previewer(o => o.PagePixels = 300);
        var pdf = Part(TestPdf.Valid(3));
        var count = await previewer.CountPagesAsync(pdf, CancellationToken.None);
        Assert.Null(count.Failure);
        Assert.Equal(3, count.Pages);
        var page = await previewer.RenderPageAsync(pdf, 2, CancellationToken.None);
        Assert.Null(page.Failure);
        var png = page.Png!;
        Assert.Equal("image/png", Mail.Web.Hosting.WebmailRasterImage.Sniff(png));
        // IHDR: width and height, big-endian, at octets 16 and 20; the 200x100 pt page scaled to 300 px on its long side.
        Assert.Equal(300, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        Assert.Equal(150, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
        Assert.Equal(WebmailPdfPreviewFailure.NoSuchPage, (await previewer.RenderPageAsync(pdf, 4, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task PagesBeyondMaxPages_AreRefused()
    {
        using var previewer = Previewer(o => o.MaxPages = 2);
        var pdf = Part(TestPdf.Valid(3));
        Assert.Equal(3, (await previewer.CountPagesAsync(pdf, CancellationToken.None)).Pages);
        Assert.Equal(WebmailPdfPreviewFailure.NoSuchPage, (await previewer.RenderPageAsync(pdf, 3, CancellationToken.None)).Failure);
        Assert.Equal(WebmailPdfPreviewFailure.NoSuchPage, (await previewer.RenderPageAsync(pdf, 0, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task DamagedOrNonPdf_IsUnreadable_NeverHangs()
    {
        using var previewer = Previewer();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Equal(WebmailPdfPreviewFailure.Unreadable, (await previewer.CountPagesAsync(Part(TestPdf.Damaged), limit.Token)).Failure);
        Assert.Equal(WebmailPdfPreviewFailure.Unreadable, (await previewer.RenderPageAsync(Part(TestPdf.Damaged), 1, limit.Token)).Failure);
        Assert.Equal(WebmailPdfPreviewFailure.Unreadable, (await previewer.CountPagesAsync(Part("<html>not a pdf</html>"u8.ToArray()), limit.Token)).Failure);
    }

    [Fact]
    public async Task PdfOverMaxOctets_IsTooLarge()
    {
        using var previewer = Previewer(o => o.MaxOctets = 100);
        Assert.Equal(WebmailPdfPreviewFailure.TooLarge, (await previewer.CountPagesAsync(Part(TestPdf.Valid(1)), CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task PageOverMaxPageOctets_IsTooLarge()
    {
        using var previewer = Previewer(o => (o.PagePixels, o.MaxPageOctets) = (4000, 1024));
        Assert.Equal(WebmailPdfPreviewFailure.TooLarge, (await previewer.RenderPageAsync(Part(TestPdf.Valid(1)), 1, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task ToolRunningPastTheTimeout_IsKilled_AndReportedAsTimedOut()
    {
        var script = Path.Combine(Path.GetTempPath(), "slow-pdfinfo-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(script, "#!/bin/sh\nexec sleep 120\n");
        Assert.False(OperatingSystem.IsWindows(), "the preview tools are Debian's");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        try
        {
            using var previewer = Previewer(o => (o.PdfInfo, o.TimeoutSeconds) = (script, 1));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(WebmailPdfPreviewFailure.TimedOut, (await previewer.CountPagesAsync(Part(TestPdf.Valid(1)), CancellationToken.None)).Failure);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task MissingTool_IsReportedAsToolMissing()
    {
        using var previewer = Previewer(o => o.PdfToPpm = "/nonexistent/pdftoppm");
        Assert.Equal(WebmailPdfPreviewFailure.ToolMissing, (await previewer.RenderPageAsync(Part(TestPdf.Valid(1)), 1, CancellationToken.None)).Failure);
    }

    [Theory]
    [InlineData("Title:  x\nPages:           12\nEncrypted: no\n", 12)]
    [InlineData("Producer: y\n", 0)]
    [InlineData("Pages: -3\n", 0)]
    public void PagesOf_ReadsThePagesLine(string output, int pages) => Assert.Equal(pages, WebmailPdfPreviewer.PagesOf(output));

    [Theory]
    [InlineData("application/pdf", "a.bin", true)]
    [InlineData("APPLICATION/PDF", "a", true)]
    [InlineData("application/octet-stream", "Report.PDF", true)]
    [InlineData("application/octet-stream", "report.txt", false)]
    [InlineData("text/html", "x.pdf", false)]
    public void IsPdf_ByTypeOrGenericTypeAndName(string type, string name, bool expected) => Assert.Equal(expected, WebmailPdfPreviewer.IsPdf(type, name));
}

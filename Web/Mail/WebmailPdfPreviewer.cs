using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mail.Web.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Webmail;

/// <summary>
/// PDF attachment previews rendered on the server: the decoded attachment is written to a private temporary file,
/// <c>pdfinfo</c> counts its pages and <c>pdftoppm -png -singlefile</c> renders one page to PNG on its standard output
/// (Debian <c>poppler-utils</c>), each as a child process under the limits of <see cref="WebmailPdfPreviewOptions"/>
/// (size, pages, pixels, time, concurrency). The browser only ever gets PNG bytes, so no PDF script or viewer runs
/// in the webmail's origin.
/// </summary>
public sealed class WebmailPdfPreviewer : IDisposable
{
    /// <summary><c>pdftoppm</c>'s exit code for a page range outside the document.</summary>
    private const int PdfToPpmWrongPageRange = 99;

    /// <summary>Octets a PDF may be preceded by before its <c>%PDF-</c> header (what readers tolerate).</summary>
    private const int HeaderWindow = 1024;

    private const int MaxStderrOctets = 4096;

    private readonly WebmailPdfPreviewOptions _options;
    private readonly ILogger<WebmailPdfPreviewer> _logger;
    private readonly SemaphoreSlim _running;

    public WebmailPdfPreviewer(IOptions<WebmailPdfPreviewOptions> options, ILogger<WebmailPdfPreviewer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _running = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrent));
    }

    /// <summary>Pages shown at most (<see cref="WebmailPdfPreviewOptions.MaxPages"/>, clamped to 1..100).</summary>
    public int MaxPages => Math.Clamp(_options.MaxPages, 1, 100);

    private TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds));

    /// <summary>True for a part the reader offers a PDF preview of: <c>application/pdf</c>, or a generic type named <c>*.pdf</c>.</summary>
    public static bool IsPdf(string contentType, string fileName) =>
        contentType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase)
        || (contentType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            && fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase));

    /// <summary>Largest PDF previewed, in octets (<see cref="WebmailPdfPreviewOptions.MaxOctets"/>).</summary>
    public long MaxOctets => _options.MaxOctets;

    /// <summary>The number of pages of the PDF in <paramref name="part"/> (<c>pdfinfo</c>).</summary>
    public async Task<WebmailPdfPreview> CountPagesAsync(MimePart part, CancellationToken cancellationToken) =>
        await DecodeAsync(part, cancellationToken) is { } pdf ? await CountPagesAsync(pdf, cancellationToken) : Refused(WebmailPdfPreviewFailure.Unreadable);

    /// <summary>Page <paramref name="page"/> (1-based, at most <see cref="MaxPages"/>) of the PDF in <paramref name="part"/> as PNG (<c>pdftoppm</c>).</summary>
    public async Task<WebmailPdfPreview> RenderPageAsync(MimePart part, int page, CancellationToken cancellationToken) =>
        await DecodeAsync(part, cancellationToken) is { } pdf ? await RenderPageAsync(pdf, page, cancellationToken) : Refused(WebmailPdfPreviewFailure.Unreadable);

    /// <summary>The decoded octets of <paramref name="part"/>; null when it has no content.</summary>
    private static async Task<byte[]?> DecodeAsync(MimePart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.Content is null)
        {
            return null;
        }
        using var decoded = new MemoryStream();
        await part.Content.DecodeToAsync(decoded, cancellationToken);
        return decoded.ToArray();
    }

    /// <summary>The number of pages of the PDF <paramref name="pdf"/> (decoded octets; <c>pdfinfo</c>).</summary>
    public Task<WebmailPdfPreview> CountPagesAsync(byte[] pdf, CancellationToken cancellationToken) =>
        WithFileAsync(pdf, async (path, ct) =>
        {
            var run = await RunAsync(_options.PdfInfo, [path], 64 * 1024, ct);
            if (run.Failure is { } failure)
            {
                return WebmailPdfPreview.Failed(failure);
            }
            var pages = run.ExitCode == 0 ? PagesOf(Encoding.UTF8.GetString(run.Output)) : 0;
            return pages > 0 ? new WebmailPdfPreview(null, pages) : WebmailPdfPreview.Failed(WebmailPdfPreviewFailure.Unreadable);
        }, cancellationToken);

    /// <summary>Page <paramref name="page"/> (1-based, at most <see cref="MaxPages"/>) of the PDF <paramref name="pdf"/> (decoded octets) as PNG (<c>pdftoppm</c>).</summary>
    public Task<WebmailPdfPreview> RenderPageAsync(byte[] pdf, int page, CancellationToken cancellationToken)
    {
        if (page < 1 || page > MaxPages)
        {
            return Task.FromResult(WebmailPdfPreview.Failed(WebmailPdfPreviewFailure.NoSuchPage));
        }
        return WithFileAsync(pdf, async (path, ct) =>
        {
            var number = page.ToString(CultureInfo.InvariantCulture);
            var pixels = Math.Clamp(_options.PagePixels, 100, 4000).ToString(CultureInfo.InvariantCulture);
            var run = await RunAsync(_options.PdfToPpm, ["-f", number, "-l", number, "-png", "-singlefile", "-scale-to", pixels, path],
                Math.Max(1024, _options.MaxPageOctets), ct);
            if (run.Failure is { } failure)
            {
                return WebmailPdfPreview.Failed(failure);
            }
            if (run.ExitCode == PdfToPpmWrongPageRange)
            {
                return WebmailPdfPreview.Failed(WebmailPdfPreviewFailure.NoSuchPage);
            }
            return run.ExitCode == 0 && WebmailRasterImage.Sniff(run.Output) == "image/png"
                ? new WebmailPdfPreview(null, Png: run.Output)
                : WebmailPdfPreview.Failed(WebmailPdfPreviewFailure.Unreadable);
        }, cancellationToken);
    }

    /// <summary>The <c>Pages:</c> value of <c>pdfinfo</c>'s output; 0 when missing.</summary>
    internal static int PagesOf(string pdfInfoOutput)
    {
        foreach (var line in pdfInfoOutput.Split('\n'))
        {
            if (line.StartsWith("Pages:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pages))
            {
                return pages;
            }
        }
        return 0;
    }

    /// <summary>
    /// Checks the size and <c>%PDF-</c> header of <paramref name="pdf"/>, waits for a free rendering slot, writes it to a
    /// temporary file readable by this user only, runs <paramref name="action"/> on it, and deletes the file.
    /// </summary>
    private async Task<WebmailPdfPreview> WithFileAsync(byte[] pdf, Func<string, CancellationToken, Task<WebmailPdfPreview>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (pdf.Length > _options.MaxOctets)
        {
            return Refused(WebmailPdfPreviewFailure.TooLarge);
        }
        if (pdf.AsSpan(0, Math.Min(pdf.Length, HeaderWindow)).IndexOf("%PDF-"u8) < 0)
        {
            return Refused(WebmailPdfPreviewFailure.Unreadable);
        }
        if (!await _running.WaitAsync(Timeout, cancellationToken))
        {
            return Refused(WebmailPdfPreviewFailure.Busy);
        }
        var path = Path.Combine(Path.GetTempPath(), "mail-pdf-" + Guid.NewGuid().ToString("N") + ".pdf");
        try
        {
            var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            await using (var stream = new FileStream(path, file))
            {
                await stream.WriteAsync(pdf, cancellationToken);
            }
            var result = await action(path, cancellationToken);
            if (result.Failure is { } failure)
            {
                WebmailLog.PdfPreviewRefused(_logger, failure);
            }
            return result;
        }
        finally
        {
            File.Delete(path);
            _running.Release();
        }
    }

    private WebmailPdfPreview Refused(WebmailPdfPreviewFailure failure)
    {
        WebmailLog.PdfPreviewRefused(_logger, failure);
        return WebmailPdfPreview.Failed(failure);
    }

    private sealed record ToolRun(WebmailPdfPreviewFailure? Failure, int ExitCode, byte[] Output);

    /// <summary>
    /// Runs <paramref name="tool"/> with <paramref name="arguments"/> (no shell), keeping at most
    /// <paramref name="maxOutput"/> octets of its standard output; killed (with its children) after
    /// <see cref="WebmailPdfPreviewOptions.TimeoutSeconds"/> or when the output is too large.
    /// </summary>
    private async Task<ToolRun> RunAsync(string tool, IReadOnlyList<string> arguments, int maxOutput, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            WebmailLog.PdfPreviewToolMissing(_logger, tool, ex);
            return new ToolRun(WebmailPdfPreviewFailure.ToolMissing, -1, []);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        var output = new MemoryStream();
        var tooLarge = false;
        try
        {
            var stderr = DrainAsync(process.StandardError.BaseStream, limit.Token);
            var buffer = new byte[81920];
            int read;
            while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, limit.Token)) > 0)
            {
                if (output.Length + read > maxOutput)
                {
                    tooLarge = true;
                    break;
                }
                output.Write(buffer, 0, read);
            }
            if (tooLarge)
            {
                Kill(process);
                return new ToolRun(WebmailPdfPreviewFailure.TooLarge, -1, []);
            }
            await stderr;
            await process.WaitForExitAsync(limit.Token);
            return new ToolRun(null, process.ExitCode, output.ToArray());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return new ToolRun(WebmailPdfPreviewFailure.TimedOut, -1, []);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>Reads and drops the tool's messages (a full pipe would stall it), keeping none.</summary>
    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxStderrOctets];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    public void Dispose() => _running.Dispose();

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}

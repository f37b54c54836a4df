using System.IO.Compression;
using System.Text;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using MimeKit;

namespace Mail.Web.Hosting;

/// <summary>
/// Attachment previews and "download all": <c>GET /mail/preview</c> re-serves an image attachment only when its bytes
/// are a raster format (PNG, JPEG, GIF, WebP, BMP; SVG and everything else never), <c>GET /mail/preview/pdf</c> serves a
/// PDF attachment's page rendered to PNG on the server (never the PDF itself), both under the download headers
/// (<c>nosniff</c>, a sandboxing CSP, <c>Content-Disposition: attachment</c>, which an <c>&lt;img&gt;</c> ignores);
/// <c>GET /mail/attachments.zip</c> packs every attachment into one zip (in a temporary file, streamed out) whose entry names are sanitized
/// (<see cref="WebmailZipNames"/>).
/// </summary>
public static class WebmailAttachmentEndpoints
{
    /// <summary>GET /mail/preview?folder=&amp;uid=&amp;index=: the image; 404 when it is no raster image or over <see cref="WebmailOptions.MaxInlineImageOctets"/>.</summary>
    public static async Task<IResult> GetPreviewAsync(
        HttpContext context, [FromQuery] string? folder, [FromQuery] uint uid, [FromQuery] int index,
        WebmailMailSessionFactory sessions, IOptions<WebmailOptions> options, CancellationToken cancellationToken)
    {
        var (status, message) = await LoadAsync(context, folder, uid, sessions, cancellationToken);
        if (message is null)
        {
            return status;
        }
        var attachments = WebmailMessageParts.Of(message).Attachments;
        if (index < 0 || index >= attachments.Count || attachments[index] is not MimePart { Content: not null } part
            || !part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase))
        {
            return Results.NotFound();
        }
        using var content = new MemoryStream();
        await part.Content.DecodeToAsync(content, cancellationToken);
        var type = WebmailRasterImage.Sniff(content.GetBuffer().AsSpan(0, (int)content.Length));
        if (type is null || content.Length > options.Value.MaxInlineImageOctets)
        {
            return Results.NotFound();
        }
        SetDownloadHeaders(context);
        context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = WebmailZipNames.Sanitize(WebmailMessageParts.FileNameOf(part, index)),
        }.ToString();
        return Results.Bytes(content.ToArray(), type);
    }

    /// <summary>
    /// GET /mail/preview/pdf?folder=&amp;uid=&amp;index=&amp;page=: page <c>page</c> (1-based) of PDF attachment <c>index</c>
    /// rendered to PNG on the server (<see cref="WebmailPdfPreviewer"/>), under the download headers. The session's
    /// <see cref="WebmailPreviewCache"/> keeps the decoded PDF and each rendered page, so paging through a document
    /// fetches its message once (<see cref="WebmailMailSession.LoadPartContentAsync"/>). 404 when the attachment is no
    /// PDF or the page does not exist; 422 with a plain-text reason when the PDF cannot be previewed (too large,
    /// unreadable, timed out); 503 when the renderer is busy or not installed, or IMAP is out of reach.
    /// </summary>
    public static async Task<IResult> GetPdfPageAsync(
        HttpContext context, [FromQuery] string? folder, [FromQuery] uint uid, [FromQuery] int index, [FromQuery] int page,
        WebmailMailSessionFactory sessions, WebmailPdfPreviewer previewer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(folder) || folder.Length > 1024 || uid == 0 || page < 1 || page > previewer.MaxPages)
        {
            return Results.NotFound();
        }
        await using var session = sessions.Open(context.User);
        if (session is null)
        {
            return Results.Unauthorized();
        }
        WebmailPartContent? pdf;
        try
        {
            pdf = await session.LoadPartContentAsync(folder, uid, index, m => PdfPartOf(m, index), previewer.MaxOctets, cancellationToken);
        }
        catch (WebmailUnavailableException)
        {
            return Results.Text("The mail server is unavailable. Please try again in a moment.", "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }
        SetDownloadHeaders(context);
        if (pdf is null)
        {
            return Results.NotFound();
        }
        var pageKey = pdf.Key with { Item = page };
        if (!session.TryRecall<byte[]>(pageKey, out var png) || png is null)
        {
            var preview = pdf.Content is { } content
                ? await previewer.RenderPageAsync(content, page, cancellationToken)
                : WebmailPdfPreview.Failed(WebmailPdfPreviewFailure.TooLarge);
            if (preview is not { Failure: null, Png: { } rendered })
            {
                return preview.Failure switch
                {
                    WebmailPdfPreviewFailure.NoSuchPage => Results.NotFound(),
                    WebmailPdfPreviewFailure.Busy or WebmailPdfPreviewFailure.ToolMissing =>
                        Results.Text("Preview unavailable: " + preview.Failure, "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable),
                    _ => Results.Text("Preview unavailable: " + preview.Failure, "text/plain", Encoding.UTF8, StatusCodes.Status422UnprocessableEntity),
                };
            }
            png = rendered;
            session.Remember(pageKey, png, png.Length);
        }
        context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = WebmailZipNames.Sanitize(Path.GetFileNameWithoutExtension(pdf.FileName) + "-" + page + ".png"),
        }.ToString();
        return Results.Bytes(png, "image/png");
    }

    /// <summary>Attachment <paramref name="index"/> of <paramref name="message"/> when the reader offers it a PDF preview.</summary>
    public static MimePart? PdfPartOf(MimeMessage message, int index)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attachments = WebmailMessageParts.Of(message).Attachments;
        return index >= 0 && index < attachments.Count && attachments[index] is MimePart { Content: not null } part
            && WebmailPdfPreviewer.IsPdf(part.ContentType.MimeType, WebmailMessageParts.FileNameOf(part, index))
            ? part
            : null;
    }

    /// <summary>GET /mail/attachments.zip?folder=&amp;uid=: all attachments, streamed as application/zip; 404 when there are none.</summary>
    public static async Task<IResult> GetZipAsync(
        HttpContext context, [FromQuery] string? folder, [FromQuery] uint uid, WebmailMailSessionFactory sessions, CancellationToken cancellationToken)
    {
        var (status, message) = await LoadAsync(context, folder, uid, sessions, cancellationToken);
        if (message is null)
        {
            return status;
        }
        var attachments = WebmailMessageParts.Of(message).Attachments;
        if (attachments.Count == 0)
        {
            return Results.NotFound();
        }
        var zipName = WebmailZipNames.Sanitize(string.IsNullOrWhiteSpace(message.Subject) ? "attachments" : message.Subject, 80) + ".zip";
        // The archive is built in a temporary file (deleted on close), never in memory, then streamed to the response:
        // ZipArchive writes its central directory synchronously, which Kestrel's response stream refuses.
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var zip = await ZipArchive.CreateAsync(file, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken))
            {
                var names = new WebmailZipNames();
                for (var i = 0; i < attachments.Count; i++)
                {
                    var entry = zip.CreateEntry(names.Add(WebmailMessageParts.FileNameOf(attachments[i], i)), CompressionLevel.Fastest);
                    await using var stream = await entry.OpenAsync(cancellationToken);
                    await WebmailMessageParts.WriteContentAsync(attachments[i], stream, cancellationToken);
                }
            }
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        context.Response.RegisterForDisposeAsync(file);
        return Results.Stream(file, "application/zip", zipName);
    }

    private static async Task<(IResult Status, MimeMessage? Message)> LoadAsync(
        HttpContext context, string? folder, uint uid, WebmailMailSessionFactory sessions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(folder) || folder.Length > 1024 || uid == 0)
        {
            return (Results.NotFound(), null);
        }
        await using var session = sessions.Open(context.User);
        if (session is null)
        {
            return (Results.Unauthorized(), null);
        }
        try
        {
            var message = await session.LoadMessageAsync(folder, uid, cancellationToken);
            SetDownloadHeaders(context);
            return (Results.NotFound(), message);
        }
        catch (WebmailUnavailableException)
        {
            return (Results.Text("The mail server is unavailable. Please try again in a moment.", "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable), null);
        }
    }

    private static void SetDownloadHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.CacheControl = "no-store, private";
    }
}

/// <summary>Raster image formats recognized by their leading bytes (never by the declared type alone).</summary>
public static class WebmailRasterImage
{
    /// <summary>The MIME type of <paramref name="data"/> when it starts like PNG, JPEG, GIF, WebP or BMP; null otherwise (SVG included).</summary>
    public static string? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        {
            return "image/png";
        }
        if (data.StartsWith((ReadOnlySpan<byte>)[0xff, 0xd8, 0xff]))
        {
            return "image/jpeg";
        }
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }
        return data.Length >= 14 && data.StartsWith("BM"u8) ? "image/bmp" : null;
    }
}

/// <summary>
/// Entry names of the attachments zip: each a bare file name (no directories, so no zip-slip: no <c>/</c>, <c>\</c>,
/// <c>..</c>, drive letters or leading dots), control and reserved characters replaced, at most
/// <see cref="MaxNameChars"/> characters, unique within the archive (<c>name (2).ext</c>).
/// </summary>
public sealed class WebmailZipNames
{
    /// <summary>Longest entry name, in characters.</summary>
    public const int MaxNameChars = 150;

    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A safe, unique entry name for <paramref name="fileName"/>.</summary>
    public string Add(string fileName)
    {
        var name = Sanitize(fileName);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 2; !_used.Add(name); n++)
        {
            name = $"{stem} ({n}){extension}";
        }
        return name;
    }

    /// <summary>A bare, safe file name made from <paramref name="fileName"/>; <c>attachment</c> when nothing usable is left.</summary>
    public static string Sanitize(string? fileName, int maxChars = MaxNameChars)
    {
        var text = (fileName ?? "").Replace('\\', '/');
        text = text[(text.LastIndexOf('/') + 1)..];
        var builder = new StringBuilder(Math.Min(text.Length, maxChars));
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }
        var name = builder.ToString().Trim().TrimStart('.').Trim();
        if (name.Length > maxChars)
        {
            var extension = Path.GetExtension(name);
            name = extension.Length is > 0 and < 12 ? name[..(maxChars - extension.Length)] + extension : name[..maxChars];
        }
        return name.Length == 0 || name.Replace(".", "", StringComparison.Ordinal).Length == 0 ? "attachment" : name;
    }
}

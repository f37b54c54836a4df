using System.Net.Mime;
using System.Text;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Mail.Web.Hosting;

/// <summary>
/// HTTP endpoints beside the pages: the sanitized HTML body (source of the sandboxed frame), attachment
/// downloads and sign-out. All but sign-out are GETs that change nothing; sign-out is a POST with an
/// antiforgery token.
/// </summary>
internal static partial class WebmailMailApi
{
    /// <summary>
    /// Policy of the message body document: nothing may load but inline styles and <c>data:</c> images
    /// (inline <c>cid:</c> parts are embedded as <c>data:</c> URLs), the document is sandboxed (no scripts,
    /// opaque origin; popups for links only) and may be framed by this origin only.
    /// </summary>
    public const string BodyPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups";

    public static IEndpointRouteBuilder MapWebmailApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebmailRoutes.Body, GetBodyAsync).RequireAuthorization();
        app.MapGet(WebmailRoutes.Attachment, GetAttachmentAsync).RequireAuthorization();
        app.MapPost(WebmailRoutes.SignOut, SignOutAsync);
        return app;
    }

    /// <summary>
    /// GET /mail/body?folder=&amp;uid=[&amp;images=1]: the sanitized text/html body as a standalone document. Remote
    /// images stay blocked unless <c>images=1</c> or the sender is on the user's allow-list; then they load through
    /// the SSRF-guarded proxy (<see cref="WebmailImageProxyEndpoints"/>), never directly.
    /// </summary>
    /// <returns>200 text/html; 404 no such message or no HTML body; 503 IMAP unavailable.</returns>
    public static async Task<IResult> GetBodyAsync(
        HttpContext context, [FromQuery] string? folder, [FromQuery] uint uid, [FromQuery] int? images,
        WebmailMailSessionFactory sessions, IOptions<WebmailOptions> options, Settings.WebmailSettingsStore settings,
        Microsoft.AspNetCore.DataProtection.IDataProtectionProvider dataProtection, CancellationToken cancellationToken)
    {
        if (!IsValidFolder(folder) || uid == 0)
        {
            return Results.NotFound();
        }
        await using var session = sessions.Open(context.User);
        if (session is null)
        {
            return Results.Unauthorized();
        }
        MimeMessage? message;
        try
        {
            message = await session.LoadMessageAsync(folder!, uid, cancellationToken);
        }
        catch (WebmailUnavailableException)
        {
            return BodyDocument(context, "<p>The mail server is unavailable. Please try again in a moment.</p>", StatusCodes.Status503ServiceUnavailable);
        }
        var parts = message is null ? null : WebmailMessageParts.Of(message);
        if (parts?.HtmlBody is null)
        {
            return Results.NotFound();
        }
        var maxInline = options.Value.MaxInlineImageOctets;
        var user = session.Address;
        var sender = message!.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var showRemote = images == 1 || (sender.Length > 0 && await settings.IsRemoteImageAllowedAsync(user, sender, cancellationToken));
        Func<string, string?>? proxy = showRemote ? url => WebmailImageProxyEndpoints.ProxyUrl(dataProtection, user, url) : null;
        var sanitized = HtmlMailSanitizer.Sanitize(parts.HtmlBody.Text ?? "", cid => InlineDataUrl(parts.FindByContentId(cid), maxInline), proxy);
        var theme = (await settings.GetAsync(user, cancellationToken)).Theme;
        return BodyDocument(context, sanitized.Html, StatusCodes.Status200OK, showRemote, DarkStyleFor(theme, sanitized.Html));
    }

    /// <summary>Dark colours of a body document that sets none of its own.</summary>
    private const string DarkBody = "html{color-scheme:dark}body{color:#e6e8ec;background:#171a21}a{color:#7aa7ff}";

    /// <summary>
    /// The dark style of a message body: none when the sanitized HTML sets colours or backgrounds itself (inverting
    /// only some of them would make text unreadable, so such mail keeps its light page), else always (theme
    /// <c>dark</c>) or with the system (<c>prefers-color-scheme</c>, no theme set).
    /// </summary>
    internal static string DarkStyleFor(string? theme, string sanitizedHtml) =>
        theme == "light" || ExplicitColors().IsMatch(sanitizedHtml) ? ""
        : theme == "dark" ? DarkBody
        : "@media (prefers-color-scheme:dark){" + DarkBody + "}";

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|[\s;""'{])(?:color|background(?:-color|-image)?)\s*:|\s(?:bgcolor|color|background|text|link)\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ExplicitColors();

    private static IResult BodyDocument(HttpContext context, string bodyHtml, int status, bool proxiedImages = false, string darkStyle = "")
    {
        var headers = context.Response.Headers;
        // Proxied images come from this origin; the sandboxed frame's own origin is opaque, so name it explicitly.
        headers.ContentSecurityPolicy = proxiedImages
            ? BodyPolicy.Replace("img-src data:", $"img-src data: {context.Request.Scheme}://{context.Request.Host}{WebmailImageProxyEndpoints.ImagePath}", StringComparison.Ordinal)
            : BodyPolicy;
        headers.XFrameOptions = "SAMEORIGIN";
        headers.CacheControl = "no-store, private";
        headers["Referrer-Policy"] = "no-referrer";
        var document = new StringBuilder(bodyHtml.Length + 600)
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<base target=\"_blank\"><style>")
            .Append("html{color-scheme:light}body{margin:0;padding:20px 24px;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;")
            .Append("color:#1f2328;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}")
            .Append("pre{white-space:pre-wrap}table{max-width:100%}")
            .Append(darkStyle)
            .Append("</style></head><body>")
            .Append(bodyHtml)
            .Append("</body></html>")
            .ToString();
        return Results.Content(document, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A <c>data:</c> URL for an inline image part, or null when it is no raster image or too big.</summary>
    private static string? InlineDataUrl(MimePart? part, int maxOctets)
    {
        if (part?.Content is null || !part.ContentType.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var type = part.ContentType.MimeType.ToLowerInvariant();
        if (!HtmlMailSanitizer.IsInlineImageType(type))
        {
            return null;
        }
        using var buffer = new MemoryStream();
        part.Content.DecodeTo(buffer);
        if (buffer.Length > maxOctets)
        {
            return null;
        }
        return $"data:{type};base64,{Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length)}";
    }

    /// <summary>GET /mail/attachment?folder=&amp;uid=&amp;index=: one attachment as a download.</summary>
    /// <returns>200 with <c>Content-Disposition: attachment</c> (RFC 6266, UTF-8 <c>filename*</c>); 404; 503.</returns>
    public static async Task<IResult> GetAttachmentAsync(
        HttpContext context, [FromQuery] string? folder, [FromQuery] uint uid, [FromQuery] int index,
        WebmailMailSessionFactory sessions, CancellationToken cancellationToken)
    {
        if (!IsValidFolder(folder) || uid == 0 || index < 0)
        {
            return Results.NotFound();
        }
        await using var session = sessions.Open(context.User);
        if (session is null)
        {
            return Results.Unauthorized();
        }
        MimeMessage? message;
        try
        {
            message = await session.LoadMessageAsync(folder!, uid, cancellationToken);
        }
        catch (WebmailUnavailableException)
        {
            return Results.Text("The mail server is unavailable. Please try again in a moment.", "text/plain", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }
        var attachments = message is null ? [] : WebmailMessageParts.Of(message).Attachments;
        if (index >= attachments.Count)
        {
            return Results.NotFound();
        }
        var entity = attachments[index];
        var content = new MemoryStream();
        await WebmailMessageParts.WriteContentAsync(entity, content, cancellationToken);
        content.Position = 0;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.CacheControl = "no-store, private";
        // The declared type is kept (nosniff + attachment disposition mean browsers download, never render);
        // a malformed one becomes application/octet-stream.
        var type = entity.ContentType.MimeType;
        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out _))
        {
            type = MediaTypeNames.Application.Octet;
        }
        return Results.File(content, type, WebmailMessageParts.FileNameOf(entity, index));
    }

    /// <summary>POST /signout: ends the session (the ticket store deletes the session row, the pool closes its IMAP connections) and goes to the sign-in page.</summary>
    public static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, WebmailConnectionPool pool, ILogger<WebmailSecurityHeaders> logger)
    {
        // Sign-out changes state: it needs the form's antiforgery token like every other POST.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }
        if (context.User.Identity?.IsAuthenticated == true)
        {
            WebmailLog.SignedOut(logger, context.User.Identity.Name ?? "");
        }
        // The session's pooled IMAP connections end with it.
        await pool.CloseAsync(context.User);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect(WebmailRoutes.SignIn);
    }

    private static bool IsValidFolder(string? folder) => !string.IsNullOrEmpty(folder) && folder.Length <= 1024;
}

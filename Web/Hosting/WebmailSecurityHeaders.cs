namespace Mail.Web.Hosting;

/// <summary>
/// Adds the security headers of the web tier to every response that does not set its own: a strict
/// Content-Security-Policy for the app pages (scripts and styles only from this origin, no framing by
/// others), <c>X-Content-Type-Options: nosniff</c>, a same-origin referrer policy. The message body
/// endpoint sets a stricter policy of its own before this runs (see <see cref="WebmailMailApi"/>).
/// </summary>
internal sealed class WebmailSecurityHeaders(RequestDelegate next)
{
    /// <summary>Policy of the app pages (CSP Level 3).</summary>
    /// <remarks>
    /// <c>style-src-attr 'unsafe-inline'</c> lets Blazor set <c>style</c> attributes (Virtualize sizes its
    /// spacers that way); style elements and sheets stay same-origin only, and message HTML never reaches
    /// these pages (it is served to a sandboxed frame under its own policy).
    /// </remarks>
    public const string AppPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
        + "form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.TryAdd("Content-Security-Policy", AppPolicy);
            headers.TryAdd("X-Frame-Options", "DENY");
            headers.XContentTypeOptions = "nosniff";
            headers.TryAdd("Referrer-Policy", "same-origin");
            headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
            headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}

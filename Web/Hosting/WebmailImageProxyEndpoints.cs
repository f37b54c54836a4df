using System.Security.Cryptography;
using Mail.Web.Settings;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace Mail.Web.Hosting;

/// <summary>
/// The remote-image proxy: <c>GET /mail/image?t=</c> fetches an image of a message the user chose to show, through
/// <see cref="RemoteImageFetcher"/>. The sandboxed body frame has an opaque origin, so its image requests carry no
/// session cookie (SameSite=Lax); the token authorizes instead: a time-limited Data Protection token over the user
/// and the URL (one hour), so the proxy is no open relay and links cannot be forged. Plus
/// <c>POST /mail/remote-images/allow</c> (antiforgery-checked) to always show images from a sender.
/// </summary>
public static class WebmailImageProxyEndpoints
{
    /// <summary>Proxy path.</summary>
    public const string ImagePath = "/mail/image";

    /// <summary>Allow-a-sender path.</summary>
    public const string AllowPath = "/mail/remote-images/allow";

    private const string Purpose = "Mail.Web.Webmail.ImageProxy.v1";

    /// <summary>How long a proxy URL in a rendered body stays valid.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Registers the fetcher and its options.</summary>
    public static IServiceCollection AddWebmailImageProxy(this IServiceCollection services)
    {
        services.AddOptions<RemoteImageProxyOptions>().BindConfiguration(RemoteImageProxyOptions.Section);
        services.AddSingleton<RemoteImageFetcher>();
        return services;
    }

    /// <summary>Maps the proxy and the allow endpoint.</summary>
    public static IEndpointRouteBuilder MapWebmailImageProxy(this IEndpointRouteBuilder app)
    {
        app.MapGet(ImagePath, GetImageAsync);
        app.MapPost(AllowPath, AllowSenderAsync).RequireAuthorization();
        return app;
    }

    /// <summary>The proxy URL of <paramref name="url"/> for <paramref name="user"/>.</summary>
    public static string ProxyUrl(IDataProtectionProvider dataProtection, string user, string url)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        var protector = dataProtection.CreateProtector(Purpose).ToTimeLimitedDataProtector();
        return ImagePath + "?t=" + Uri.EscapeDataString(protector.Protect(user + "\n" + url, TokenLifetime));
    }

    /// <summary>GET /mail/image?t=: the image, or 403 (bad token, forbidden address), 502 (unreachable, not an image, too large).</summary>
    public static async Task<IResult> GetImageAsync(
        HttpContext context, [FromQuery] string? t, IDataProtectionProvider dataProtection, RemoteImageFetcher fetcher, CancellationToken cancellationToken)
    {
        string payload;
        try
        {
            payload = dataProtection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Unprotect(t ?? "");
        }
        catch (CryptographicException)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        var url = payload[(payload.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        var image = await fetcher.FetchAsync(url, cancellationToken);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        if (image.Refusal != RemoteImageRefusal.None)
        {
            return Results.StatusCode(image.Refusal is RemoteImageRefusal.ForbiddenAddress or RemoteImageRefusal.BadUrl
                ? StatusCodes.Status403Forbidden : StatusCodes.Status502BadGateway);
        }
        headers.CacheControl = "private, max-age=3600";
        return Results.Bytes(image.Content!, image.ContentType);
    }

    /// <summary>POST /mail/remote-images/allow (form: <c>sender</c>, <c>returnUrl</c>): adds the sender to the allow-list, back to the message.</summary>
    public static async Task<IResult> AllowSenderAsync(
        HttpContext context, [FromForm] string sender, [FromForm] string? returnUrl, WebmailSettingsStore settings, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.Name ?? "";
        await settings.AllowRemoteImagesAsync(user, sender ?? "", cancellationToken);
        return Results.Redirect(WebmailRoutes.IsLocal(returnUrl) ? returnUrl! : "/mail");
    }
}

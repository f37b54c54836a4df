using Mail.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Mail.Web.Hosting;

/// <summary>POST /language: the user's choice of language, kept in the <see cref="WebmailCultures.CookieName"/> cookie.</summary>
internal static class WebmailLanguage
{
    /// <summary>How long the choice is remembered.</summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(365);

    public static IEndpointRouteBuilder MapWebmailLanguage(this IEndpointRouteBuilder app)
    {
        app.MapPost(WebmailRoutes.Language, SetAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Sets the culture cookie to <paramref name="culture"/> (one of <see cref="WebmailCultures.Supported"/>)
    /// and redirects to the local <paramref name="returnUrl"/> (else the message list).
    /// </summary>
    /// <returns>302; 400 without a valid antiforgery token or with an unsupported culture.</returns>
    public static async Task<IResult> SetAsync(HttpContext context, IAntiforgery antiforgery, [FromForm] string? culture, [FromForm] string? returnUrl)
    {
        // A state change like any other: the form's antiforgery token is required (checked here so the
        // answer is a plain 400 instead of an exception page).
        if (!await antiforgery.IsRequestValidAsync(context) || !WebmailCultures.IsSupported(culture))
        {
            return Results.BadRequest();
        }
        context.Response.Cookies.Append(
            WebmailCultures.CookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture!.ToLowerInvariant())),
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                MaxAge = CookieLifetime,
                Path = "/",
            });
        return Results.Redirect(WebmailRoutes.IsLocal(returnUrl) ? returnUrl! : WebmailRoutes.Mail);
    }
}

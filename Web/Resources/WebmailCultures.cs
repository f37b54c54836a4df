using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Mail.Web.Resources;

/// <summary>
/// The webmail's languages and how one is chosen per request: the user's choice (the
/// <see cref="CookieName"/> cookie, set by POST <c>/language</c>), else the browser's Accept-Language,
/// else English. Interactive circuits keep the culture of the request that started them.
/// </summary>
public static class WebmailCultures
{
    /// <summary>Name of the cookie holding the chosen culture (format of <see cref="CookieRequestCultureProvider"/>).</summary>
    public const string CookieName = "mail.culture";

    /// <summary>English first (the default and the neutral resources), then German.</summary>
    public static readonly IReadOnlyList<string> Supported = ["en", "de"];

    /// <summary>True when <paramref name="name"/> is one of <see cref="Supported"/>.</summary>
    public static bool IsSupported(string? name) => name is not null && Supported.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Configures request localization: supported cultures, cookie then Accept-Language.</summary>
    public static void Configure(RequestLocalizationOptions options)
    {
        var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture(Supported[0]);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }
}

using System.Globalization;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Mail.Web.Hosting;

/// <summary>
/// The absolute timeout of a web session (<see cref="WebmailOptions.SessionAbsoluteHours"/>), beside the sliding idle one
/// (<see cref="WebmailOptions.SessionIdleMinutes"/>): the sign-in time travels in the stored ticket's properties
/// (<see cref="SignedInItem"/>, kept across sliding renewals, which reset <c>IssuedUtc</c>), and a request of a session
/// signed in longer ago is refused and the session row deleted, however active it was.
/// </summary>
public static class WebmailSessionLifetime
{
    /// <summary>Ticket property holding the sign-in time (round-trip "O" format, UTC).</summary>
    public const string SignedInItem = "mail.signed-in";

    /// <summary>The properties of a new sign-in at <paramref name="now"/> (session cookie, not persistent).</summary>
    public static AuthenticationProperties NewSignIn(DateTimeOffset now)
    {
        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.Items[SignedInItem] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return properties;
    }

    /// <summary>True when a session signed in at the time in <paramref name="properties"/> is past the absolute timeout at <paramref name="now"/>.</summary>
    public static bool IsExpired(AuthenticationProperties properties, DateTimeOffset now, WebmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(options);
        return options.SessionAbsoluteHours > 0
            && properties.Items.TryGetValue(SignedInItem, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var signedIn)
            && now - signedIn >= TimeSpan.FromHours(options.SessionAbsoluteHours);
    }

    /// <summary>Cookie <c>OnValidatePrincipal</c>: rejects and signs out a session past its absolute timeout.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<WebmailOptions>>().Value;
        if (IsExpired(context.Properties, services.GetRequiredService<TimeProvider>().GetUtcNow(), options))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}

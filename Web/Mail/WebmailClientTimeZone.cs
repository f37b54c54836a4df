namespace Mail.Web.Webmail;

/// <summary>
/// The browser's time zone, for times shown in the user's zone (invitation cards): <c>wwwroot/theme.js</c> stores the
/// IANA name from <c>Intl.DateTimeFormat().resolvedOptions().timeZone</c> in the <c>mail.tz</c> cookie, read here from
/// the page request when prerendering; interactive components ask the browser over JS interop (<see cref="SetFromBrowser"/>).
/// An unknown or missing zone is UTC.
/// </summary>
public sealed class WebmailClientTimeZone(IHttpContextAccessor accessor)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "mail.tz";

    private TimeZoneInfo? _zone;

    /// <summary>The user's time zone, UTC when unknown.</summary>
    public TimeZoneInfo Zone => _zone ??= Resolve(accessor.HttpContext?.Request.Cookies[CookieName]);

    /// <summary>True once the zone came from the browser itself (<see cref="SetFromBrowser"/>).</summary>
    public bool FromBrowser { get; private set; }

    /// <summary>Sets the zone the browser reported over JS interop (<c>window.mailTimeZone()</c>); unknown names mean UTC.</summary>
    public void SetFromBrowser(string? id)
    {
        _zone = Resolve(id);
        FromBrowser = true;
    }

    /// <summary><paramref name="instant"/> in the user's time zone.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>The zone named <paramref name="id"/> (IANA, at most 64 characters), else UTC.</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

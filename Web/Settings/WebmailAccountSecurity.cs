using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mail.Web.Settings;

/// <summary>One signed-in web session of a user, as the settings page lists it.</summary>
/// <param name="Key">Opaque session id (never shown in full).</param>
/// <param name="CreatedUtc">Sign-in time.</param>
/// <param name="LastSeenUtc">Last use (minute resolution).</param>
/// <param name="ExpiresUtc">Expiry.</param>
/// <param name="IsCurrent">The session of this request.</param>
public sealed record WebmailSessionView(string Key, DateTime CreatedUtc, DateTime LastSeenUtc, DateTime ExpiresUtc, bool IsCurrent);

/// <summary>Outcome of a password change.</summary>
public enum WebmailPasswordChangeResult
{
    /// <summary>Changed; every web session of the user was ended.</summary>
    Changed,

    /// <summary>The current password is wrong.</summary>
    WrongPassword,

    /// <summary>The new password is too short, too long, or differs from its confirmation.</summary>
    Rejected,

    /// <summary>The directory cannot take writes now (LDAP master down); nothing changed.</summary>
    Unavailable,
}

/// <summary>
/// The security part of the webmail settings: the user's web sessions (rows of <c>WebSessions</c>, shared by every
/// node) with "sign out everywhere", and password change through the directory (<see cref="IDirectoryAdmin"/>),
/// which ends every session and re-protects the password of messages waiting in the outbox.
/// </summary>
public sealed class WebmailAccountSecurity(
    IDbContextFactory<PlatformDbContext> dbFactory, IMailDirectory directory, IServiceProvider services,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions, WebmailCredentialProtector protector, TimeProvider time,
    WebmailConnectionPool pool)
{
    /// <summary>Shortest new password, in characters.</summary>
    public const int MinPasswordLength = 10;

    /// <summary>Longest new password, in characters.</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>The id of the session a request carries (from its session cookie), or null.</summary>
    public string? CurrentSessionKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = cookieOptions.Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var cookie = context.Request.Cookies[options.Cookie.Name ?? ""];
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }
        var ticket = options.TicketDataFormat.Unprotect(cookie);
        return ticket?.Principal.FindFirst("Microsoft.AspNetCore.Authentication.Cookies-SessionId")?.Value;
    }

    /// <summary>The user's unexpired sessions, most recently used first.</summary>
    public async Task<IReadOnlyList<WebmailSessionView>> ListSessionsAsync(string user, string? currentKey, CancellationToken cancellationToken)
    {
        var key = user.ToLowerInvariant();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebSessions.AsNoTracking()
            .Where(s => s.UserAddress == key && s.ExpiresUtc > now)
            .OrderByDescending(s => s.LastSeenUtc)
            .Select(s => new { s.Key, s.CreatedUtc, s.LastSeenUtc, s.ExpiresUtc })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new WebmailSessionView(r.Key, r.CreatedUtc, r.LastSeenUtc, r.ExpiresUtc, r.Key == currentKey))];
    }

    /// <summary>
    /// Ends the user's sessions on every node: all of them, or all but <paramref name="keep"/>. The rows go at once (no
    /// request of theirs is served any more); this node's pool sends their open tabs to the sign-in page and closes their
    /// IMAP connections now; other nodes' pools do the same when the Redis announcement arrives
    /// (<see cref="WebmailSignOutBus"/>, with <c>ConnectionStrings:Redis</c>), else within
    /// <see cref="WebmailOptions.PoolSessionCheckSeconds"/>.
    /// </summary>
    /// <returns>How many sessions ended.</returns>
    public async Task<int> SignOutEverywhereAsync(string user, string? keep, CancellationToken cancellationToken)
    {
        var key = user.ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ending = db.WebSessions.Where(s => s.UserAddress == key && s.Key != (keep ?? ""));
        var keys = await ending.Select(s => s.Key).ToListAsync(cancellationToken);
        var ended = await ending.ExecuteDeleteAsync(cancellationToken);
        await pool.RevokeAsync(keys);
        return ended;
    }

    /// <summary>
    /// Changes the user's password after checking the current one against the directory (the same check as an IMAP
    /// login), then ends every web session of the user and re-protects held outbox messages with the new password.
    /// </summary>
    public async Task<WebmailPasswordChangeResult> ChangePasswordAsync(
        string user, string current, string replacement, string confirmation, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(replacement) || replacement.Length < MinPasswordLength || replacement.Length > MaxPasswordLength
            || !string.Equals(replacement, confirmation, StringComparison.Ordinal) || replacement.Any(char.IsControl))
        {
            return WebmailPasswordChangeResult.Rejected;
        }
        var admin = services.GetService<IDirectoryAdmin>();
        if (admin is null)
        {
            return WebmailPasswordChangeResult.Unavailable;
        }
        try
        {
            if (await directory.AuthenticateAsync(user, current ?? "", cancellationToken) is null)
            {
                return WebmailPasswordChangeResult.WrongPassword;
            }
            if (await admin.SetPasswordAsync(user, replacement, cancellationToken) != DirectoryChangeResult.Done)
            {
                return WebmailPasswordChangeResult.Unavailable;
            }
        }
        catch (DirectoryUnavailableException)
        {
            return WebmailPasswordChangeResult.Unavailable;
        }
        var key = user.ToLowerInvariant();
        var protectedPassword = protector.ProtectPassword(replacement);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebmailOutbox.Where(o => o.UserAddress == key)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProtectedPassword, protectedPassword), cancellationToken);
        var keys = await db.WebSessions.Where(s => s.UserAddress == key).Select(s => s.Key).ToListAsync(cancellationToken);
        await db.WebSessions.Where(s => s.UserAddress == key).ExecuteDeleteAsync(cancellationToken);
        await pool.RevokeAsync(keys);
        return WebmailPasswordChangeResult.Changed;
    }
}

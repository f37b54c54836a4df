using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Mail.Shared.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Platform;

/// <summary>
/// Server-side cookie sessions (issue 2 item 10): the cookie holds only an opaque random id (protected
/// by the cookie handler); the <see cref="AuthenticationTicket"/> lives in the platform DB table
/// <c>WebSessions</c>, so any web node can serve any request and sign-out really ends the session.
/// Wire it with <c>CookieAuthenticationOptions.SessionStore</c>.
/// </summary>
/// <remarks>
/// <para>The stored bytes are the <see cref="TicketSerializer"/> form, additionally protected with
/// Data Protection (purpose <see cref="ProtectorPurpose"/>), so a copy of the table alone does not
/// reveal claims or whatever the web tier keeps in the ticket's properties.</para>
/// <para>Expiry is the ticket's <see cref="AuthenticationProperties.ExpiresUtc"/> (else
/// <see cref="DefaultLifetime"/>); an expired row is never returned, is deleted when read, and all
/// expired rows are purged at most every <see cref="PurgeInterval"/> on a store.</para>
/// </remarks>
public sealed class PlatformTicketStore : ITicketStore
{
    /// <summary>
    /// Claim the stored principal carries with its own session key, so code holding only the principal (a Blazor circuit,
    /// the webmail's connection pool) can tell later whether the session row still exists (sign-out everywhere).
    /// </summary>
    public const string SessionKeyClaimType = "mail:session-key";

    /// <summary>Data Protection purpose of the stored ticket bytes.</summary>
    public const string ProtectorPurpose = "Mail.Web.Platform.PlatformTicketStore.v1";

    /// <summary>Lifetime of a ticket that carries no expiry (the cookie handler's default, 14 days).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(14);

    /// <summary>Least time between two purges of expired rows.</summary>
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    /// <summary>Least time between two updates of a row's <c>LastSeenUtc</c> (so reads do not write every request).</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<PlatformDbContext> _dbFactory;
    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;
    private long _nextPurgeTicks;

    public PlatformTicketStore(IDbContextFactory<PlatformDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        _dbFactory = dbFactory;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _time = time;
    }

    private DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    /// <inheritdoc />
    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    /// <summary>
    /// Stores a new session row and returns its opaque key (43 base64url characters, 256 random bits); the stored
    /// principal gets the key as a <see cref="SessionKeyClaimType"/> claim.
    /// </summary>
    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await PurgeIfDueAsync(cancellationToken);
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionKeyClaimType))
        {
            identity.AddClaim(new Claim(SessionKeyClaimType, key));
        }
        var now = UtcNow;
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        db.WebSessions.Add(new WebSession
        {
            Key = key,
            Ticket = Protect(ticket),
            UserAddress = UserAddressOf(ticket),
            CreatedUtc = now,
            LastSeenUtc = now,
            ExpiresUtc = ExpiryOf(ticket, now),
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <inheritdoc />
    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>
    /// Replaces the ticket of an existing session (sliding expiration). A missing row stays missing: the session was
    /// signed out (here, by "sign out everywhere" on any node, or by an administrator) or expired between the request's
    /// <see cref="RetrieveAsync(string)"/> and this renewal, and re-creating it would bring a revoked session back.
    /// The request still carries the old cookie; its next request finds no row and goes to sign-in.
    /// </summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ticket);
        var now = UtcNow;
        var bytes = Protect(ticket);
        var expires = ExpiryOf(ticket, now);
        var user = UserAddressOf(ticket);
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebSessions.Where(s => s.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Ticket, bytes)
            .SetProperty(r => r.ExpiresUtc, expires)
            .SetProperty(r => r.UserAddress, user)
            .SetProperty(r => r.LastSeenUtc, now), cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    /// <summary>The session's ticket, or null when the key is unknown, the row expired, or its bytes cannot be unprotected.</summary>
    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = UtcNow;
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.WebSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (row is null)
        {
            return null;
        }
        if (row.ExpiresUtc <= now)
        {
            await db.WebSessions.Where(s => s.Key == key).ExecuteDeleteAsync(cancellationToken);
            return null;
        }
        var ticket = Unprotect(row.Ticket);
        if (ticket is not null && now - row.LastSeenUtc >= LastSeenResolution)
        {
            await db.WebSessions.Where(s => s.Key == key).ExecuteUpdateAsync(s => s.SetProperty(r => r.LastSeenUtc, now), cancellationToken);
        }
        return ticket;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    /// <summary>Deletes the session row (sign-out); unknown keys are ignored.</summary>
    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebSessions.Where(s => s.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes every expired session row; returns how many were deleted.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebSessions.Where(s => s.ExpiresUtc <= now).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextPurgeTicks);
        if (now >= due && Interlocked.CompareExchange(ref _nextPurgeTicks, now + PurgeInterval.Ticks, due) == due)
        {
            await PurgeExpiredAsync(cancellationToken);
        }
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private AuthenticationTicket? Unprotect(byte[] bytes)
    {
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(bytes));
        }
        catch (CryptographicException)
        {
            // Key ring lost or rotated out: the session is unusable, the user signs in again.
            return null;
        }
    }

    private static DateTime ExpiryOf(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now + DefaultLifetime;

    private static string UserAddressOf(AuthenticationTicket ticket)
    {
        var value = ticket.Principal.FindFirst(ClaimTypes.Email)?.Value ?? ticket.Principal.FindFirst(ClaimTypes.Name)?.Value ?? "";
        value = value.Trim().ToLowerInvariant();
        return value.Length <= PlatformDbContext.MaxAddressLength ? value : value[..PlatformDbContext.MaxAddressLength];
    }
}

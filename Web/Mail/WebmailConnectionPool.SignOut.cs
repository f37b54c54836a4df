using System.Buffers.Text;
using System.Data.Common;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Mail.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Mail.Web.Webmail;

/// <summary>
/// Sign-out everywhere in the pool: which sign-ins ended (by <see cref="SignOutIdOf"/>), who is told (circuits through
/// <see cref="WatchSignOut"/>), and how other nodes learn it (Redis, <see cref="WebmailSignOutBus"/>; the platform DB,
/// <see cref="CheckSessionsAsync"/>).
/// </summary>
public sealed partial class WebmailConnectionPool
{
    /// <summary>How long an ended sign-in is remembered (longer than any circuit could hold its principal unnoticed).</summary>
    public static readonly TimeSpan RevokedMemory = TimeSpan.FromDays(1);

    // Sign-out ids of ended sign-ins, with when that was seen: leases are refused, late watchers are told at once.
    private readonly Dictionary<string, long> _revoked = new(StringComparer.Ordinal);
    // Circuits waiting for the end of their sign-in, by its sign-out id.
    private readonly Dictionary<string, List<SignOutWatch>> _signOutWatches = new(StringComparer.Ordinal);
    private int _checking;

    /// <summary>
    /// The id under which the end of the sign-in with session row key <paramref name="sessionKey"/> is remembered and
    /// announced to other nodes: SHA-256 of the key, base64url (43 characters), so the key itself (what the session
    /// cookie protects) never leaves the node.
    /// </summary>
    public static string SignOutIdOf(string sessionKey)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(sessionKey)));
    }

    /// <summary>True when this node knows that <paramref name="user"/>'s sign-in ended (signed out everywhere).</summary>
    public bool IsSignedOut(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = user.FindFirst(PlatformTicketStore.SessionKeyClaimType)?.Value;
        if (key is null)
        {
            return false;
        }
        lock (_entries)
        {
            return _revoked.ContainsKey(SignOutIdOf(key));
        }
    }

    /// <summary>
    /// Calls <paramref name="onSignedOut"/> once when <paramref name="user"/>'s sign-in ends on any node (sign-out everywhere,
    /// password change): at once, on the caller's thread, when it already ended; else on the thread that learns it, before
    /// the sign-in's IMAP connections are closed. Keyed by the sign-in (its session row key), not by a pooled session, so
    /// it holds whether or not this node has the sign-in's IMAP session, and across its eviction and re-creation.
    /// Dispose the result to stop.
    /// </summary>
    /// <returns>The subscription (a no-op when the principal has no session row key).</returns>
    public IDisposable WatchSignOut(ClaimsPrincipal user, Action onSignedOut)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(onSignedOut);
        var key = user.FindFirst(PlatformTicketStore.SessionKeyClaimType)?.Value;
        if (key is null)
        {
            return SignOutWatch.None;
        }
        var watch = new SignOutWatch(this, key, SignOutIdOf(key), onSignedOut);
        bool ended;
        lock (_entries)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ended = _revoked.ContainsKey(watch.SignOutId);
            if (!ended)
            {
                if (!_signOutWatches.TryGetValue(watch.SignOutId, out var watches))
                {
                    _signOutWatches.Add(watch.SignOutId, watches = []);
                }
                watches.Add(watch);
            }
        }
        if (ended)
        {
            onSignedOut();
        }
        return watch;
    }

    /// <summary>
    /// Ends the sign-ins with session row keys <paramref name="sessionKeys"/> on this node (sign-out everywhere, password
    /// change; their rows are already deleted) and announces it to the other nodes over Redis when configured: their
    /// circuits are told first (<see cref="WatchSignOut"/>), then their pooled IMAP connections close, and later leases
    /// are refused. Never fails because Redis is down (the other nodes then see the rows gone within
    /// <see cref="WebmailOptions.PoolSessionCheckSeconds"/>).
    /// </summary>
    public Task RevokeAsync(IEnumerable<string> sessionKeys)
    {
        ArgumentNullException.ThrowIfNull(sessionKeys);
        return RevokeIdsAsync([.. sessionKeys.Select(SignOutIdOf).Distinct(StringComparer.Ordinal)], announce: true);
    }

    /// <summary>
    /// Ends the sign-ins <paramref name="signOutIds"/> (<see cref="SignOutIdOf"/>) on this node: remembered (leases refused,
    /// late watchers told at once), watchers told, then pooled sessions refused and closed; with
    /// <paramref name="announce"/>, published to the other nodes while this node closes its connections.
    /// </summary>
    private async Task RevokeIdsAsync(IReadOnlyCollection<string> signOutIds, bool announce)
    {
        if (signOutIds.Count == 0)
        {
            return;
        }
        var ids = signOutIds as IReadOnlySet<string> ?? signOutIds.ToHashSet(StringComparer.Ordinal);
        List<SignOutWatch> told = [];
        List<WebmailMailSession> revoked = [];
        lock (_entries)
        {
            var now = _time.GetTimestamp();
            foreach (var id in ids)
            {
                _revoked[id] = now;
                if (_signOutWatches.Remove(id, out var watches))
                {
                    told.AddRange(watches);
                }
            }
            foreach (var (poolKey, entry) in _entries.Where(e => e.Value.SignOutId is { } id && ids.Contains(id)).ToList())
            {
                _entries.Remove(poolKey);
                revoked.Add(entry.Session);
                // No new command from here on, though the connections close below.
                entry.Session.Refuse();
            }
        }
        // Tabs first: closing takes an IMAP LOGOUT per connection (seconds on a loaded node), and a failing close must
        // not keep a tab on a signed-out page.
        foreach (var watch in told)
        {
            try
            {
                watch.Notify();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One circuit's failure must not keep the others on the page, nor the connections open.
                WebmailLog.PoolSignOutWatchFailed(_logger, ex);
            }
        }
        var published = announce && _signOutBus is not null ? _signOutBus.PublishAsync(ids) : Task.FromResult(false);
        foreach (var session in revoked)
        {
            WebmailLog.PoolSessionRevoked(_logger, session.Address);
            await session.CloseAsync();
        }
        await published;
    }

    /// <summary>Another node ended sign-ins (<see cref="WebmailSignOutBus.Received"/>, on a Redis thread).</summary>
    private void OnRemoteSignOut(IReadOnlyCollection<string> signOutIds) => _ = RevokeRemoteAsync(signOutIds);

    private async Task RevokeRemoteAsync(IReadOnlyCollection<string> signOutIds)
    {
        try
        {
            await RevokeIdsAsync(signOutIds, announce: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody awaits this: a close that failed unexpectedly is our bug, logged; the DB check retries nothing
            // (the sign-ins are remembered as ended and their sessions are out of the pool already).
            WebmailLog.PoolRemoteSignOutFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Ends the held and watched sign-ins whose <c>WebSessions</c> row is gone, expired or past the absolute timeout
    /// (<see cref="WebmailOptions.SessionAbsoluteHours"/>; signed out on some node): one query per 500 sign-ins. A failing
    /// database leaves every session open until the next check.
    /// </summary>
    internal async Task CheckSessionsAsync()
    {
        if (_dbFactory is null || Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }
        try
        {
            string[] held;
            lock (_entries)
            {
                var forgotten = _revoked.Where(r => _time.GetElapsedTime(r.Value) > RevokedMemory).Select(r => r.Key).ToList();
                foreach (var id in forgotten)
                {
                    _revoked.Remove(id);
                }
                held =
                [
                    .. _entries.Values.Select(e => e.SessionKey).OfType<string>()
                        .Concat(_signOutWatches.Values.Select(w => w[0].SessionKey))
                        .Distinct(StringComparer.Ordinal),
                ];
            }
            if (held.Length == 0)
            {
                return;
            }
            var alive = new HashSet<string>(StringComparer.Ordinal);
            var now = _time.GetUtcNow().UtcDateTime;
            // Past the absolute timeout (WebmailSessionLifetime) counts as ended too, though the row may still be there.
            var signedInAfter = _options.SessionAbsoluteHours > 0 ? now.AddHours(-_options.SessionAbsoluteHours) : DateTime.MinValue;
            await using (var db = await _dbFactory.CreateDbContextAsync())
            {
                foreach (var chunk in held.Chunk(500))
                {
                    alive.UnionWith(await db.WebSessions.AsNoTracking()
                        .Where(s => chunk.Contains(s.Key) && s.ExpiresUtc > now && s.CreatedUtc > signedInAfter)
                        .Select(s => s.Key)
                        .ToListAsync());
                }
            }
            // The node that ended them announced it already (or Redis is down): nothing to publish.
            await RevokeIdsAsync([.. held.Where(k => !alive.Contains(k)).Select(SignOutIdOf)], announce: false);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            WebmailLog.PoolSessionCheckFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private void Unwatch(SignOutWatch watch)
    {
        lock (_entries)
        {
            if (_signOutWatches.TryGetValue(watch.SignOutId, out var watches) && watches.Remove(watch) && watches.Count == 0)
            {
                _signOutWatches.Remove(watch.SignOutId);
            }
        }
    }

    /// <summary>One circuit waiting for the end of its sign-in; told at most once.</summary>
    private sealed class SignOutWatch(WebmailConnectionPool? pool, string sessionKey, string signOutId, Action onSignedOut) : IDisposable
    {
        private int _done;

        /// <summary>The subscription of a principal without a session row key: never told.</summary>
        public static readonly SignOutWatch None = new(null, "", "", () => { });

        public string SessionKey { get; } = sessionKey;

        public string SignOutId { get; } = signOutId;

        public void Notify()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                onSignedOut();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                pool?.Unwatch(this);
            }
        }
    }
}

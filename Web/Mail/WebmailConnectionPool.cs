using System.Data.Common;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Mail.Shared.Platform;
using Mail.Web.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mail.Web.Webmail;

/// <summary>
/// This node's IMAP connections of signed-in webmail sessions: one <see cref="WebmailMailSession"/> (one command
/// connection, plus its push connection) per signed-in session, shared by every request and circuit of that session.
/// </summary>
/// <remarks>
/// <para>A session is found by a hash of its protected password claim, which is random per sign-in, so two sign-ins
/// of one user get two pooled sessions and a pooled session never outlives its sign-in's credentials.</para>
/// <para>Limits (<see cref="WebmailOptions"/>): at most <see cref="WebmailOptions.PoolMaxSessions"/> sessions per node
/// (the least recently used idle one is closed to make room; with none idle a new session is refused with
/// <see cref="WebmailFailure.TooManySessions"/>); a session nobody holds is closed after
/// <see cref="WebmailOptions.PoolIdleSeconds"/>; the command connection of any session, held or not, is logged out
/// after <see cref="WebmailOptions.PoolConnectionIdleSeconds"/> without a command (reopened on demand);
/// <see cref="CloseAsync"/> closes one at sign-out.</para>
/// <para>Sign-out everywhere (on any node): every <see cref="WebmailOptions.PoolSessionCheckSeconds"/> the pool looks up the
/// session rows (<c>WebSessions</c>, by the <see cref="PlatformTicketStore.SessionKeyClaimType"/> claim) of the sessions
/// it holds, in one query, and closes those whose row is gone or expired (<see cref="RevokeAsync"/>, which the node that
/// signs out calls at once): their IMAP connections end, their circuits get <see cref="WebmailMailSession.SignedOut"/>,
/// and a later lease of that sign-in is refused.</para>
/// </remarks>
public sealed class WebmailConnectionPool : IAsyncDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly WebmailImapConnector _connector;
    private readonly WebmailCredentialProtector _credentials;
    private readonly WebmailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebmailMailSession> _logger;
    private readonly ITimer _sweeper;
    private readonly ITimer? _checker;
    private readonly IDbContextFactory<PlatformDbContext>? _dbFactory;
    private readonly WebmailPreviewCache? _previewCache;
    // Session keys whose sign-in ended, with when that was seen: leases of them are refused.
    private readonly Dictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private int _checking;
    private bool _disposed;

    /// <summary>How long a revoked session key is remembered (longer than any circuit could hold its principal unnoticed).</summary>
    public static readonly TimeSpan RevokedMemory = TimeSpan.FromDays(1);

    public WebmailConnectionPool(
        WebmailImapConnector connector, WebmailCredentialProtector credentials, IOptions<WebmailOptions> options,
        TimeProvider time, ILogger<WebmailMailSession> logger, IDbContextFactory<PlatformDbContext>? dbFactory = null,
        WebmailPreviewCache? previewCache = null)
    {
        _previewCache = previewCache;
        _connector = connector;
        _credentials = credentials;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _dbFactory = dbFactory;
        var shortest = ConnectionIdleTimeout is { } connectionIdle && connectionIdle < IdleTimeout ? connectionIdle : IdleTimeout;
        var period = TimeSpan.FromSeconds(Math.Clamp(shortest.TotalSeconds / 4, 1, 30));
        _sweeper = time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
        if (dbFactory is not null && _options.PoolSessionCheckSeconds > 0)
        {
            var check = TimeSpan.FromSeconds(_options.PoolSessionCheckSeconds);
            _checker = time.CreateTimer(_ => _ = CheckSessionsAsync(), null, check, check);
        }
    }

    private TimeSpan IdleTimeout => TimeSpan.FromSeconds(Math.Max(1, _options.PoolIdleSeconds));

    private TimeSpan? ConnectionIdleTimeout => _options.PoolConnectionIdleSeconds > 0 ? TimeSpan.FromSeconds(_options.PoolConnectionIdleSeconds) : null;

    /// <summary>Pooled sessions on this node.</summary>
    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Open IMAP connections of the pooled sessions (command connections and push connections).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_entries)
            {
                return _entries.Values.Sum(e => e.Session.OpenConnections);
            }
        }
    }

    /// <summary>Pooled sessions of <paramref name="address"/> on this node (one per sign-in in use).</summary>
    public int SessionsOf(string address)
    {
        lock (_entries)
        {
            return _entries.Values.Count(e => e.Session.Address.Equals(address, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>IMAP logins of the command connections of <paramref name="address"/>'s pooled sessions.</summary>
    public int LoginsOf(string address)
    {
        lock (_entries)
        {
            return _entries.Values.Where(e => e.Session.Address.Equals(address, StringComparison.OrdinalIgnoreCase))
                .Sum(e => e.Session.Logins);
        }
    }

    /// <summary>Whole messages downloaded by <paramref name="address"/>'s pooled sessions (<see cref="WebmailMailSession.MessageDownloads"/>).</summary>
    public int MessageDownloadsOf(string address)
    {
        lock (_entries)
        {
            return _entries.Values.Where(e => e.Session.Address.Equals(address, StringComparison.OrdinalIgnoreCase))
                .Sum(e => e.Session.MessageDownloads);
        }
    }

    /// <summary>Open push connections (<see cref="WebmailMailSession.Watch"/>, one per session) of <paramref name="address"/>'s pooled sessions.</summary>
    public int WatchingConnections(string address)
    {
        lock (_entries)
        {
            return _entries.Values.Where(e => e.Session.Address.Equals(address, StringComparison.OrdinalIgnoreCase))
                .Sum(e => e.Session.WatchingConnections);
        }
    }

    /// <summary>Pooled sessions of <paramref name="address"/> whose push connection has NOTIFY set (<see cref="WebmailMailSession.WatchAccount"/>).</summary>
    public int AccountWatchingConnections(string address)
    {
        lock (_entries)
        {
            return _entries.Values.Count(e => e.Session.Address.Equals(address, StringComparison.OrdinalIgnoreCase) && e.Session.WatchingAccount);
        }
    }

    /// <summary>
    /// The pooled session of <paramref name="user"/>'s sign-in, created on first use; dispose it to hand it back
    /// (the connection stays open for the next request). <paramref name="clientAddress"/> is named to IMAP when the
    /// session connects (the browser's address; the sign-in's when null).
    /// </summary>
    /// <returns>
    /// Null when the principal carries no usable credentials; a session whose operations throw
    /// <see cref="WebmailUnavailableException"/> (<see cref="WebmailFailure.TooManySessions"/>) when the node is full.
    /// </returns>
    public WebmailMailSession? Lease(ClaimsPrincipal user, IPAddress? clientAddress = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = KeyOf(user);
        var creds = key is null ? null : _credentials.Read(user);
        if (key is null || creds is null)
        {
            return null;
        }
        if (clientAddress is not null)
        {
            creds = creds with { ClientAddress = clientAddress };
        }
        var sessionKey = user.FindFirst(PlatformTicketStore.SessionKeyClaimType)?.Value;
        WebmailMailSession? evicted = null;
        WebmailMailSession leased;
        lock (_entries)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (sessionKey is not null && _revoked.ContainsKey(sessionKey))
            {
                // Signed out everywhere while a circuit still held the principal: no new IMAP login for it.
                return new WebmailMailSession(creds, _connector, _options, _logger, WebmailFailure.CredentialsRejected);
            }
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (_entries.Count >= Math.Max(1, _options.PoolMaxSessions))
                {
                    var idle = _entries.Where(e => e.Value.Leases == 0).OrderBy(e => e.Value.LastUsed).FirstOrDefault();
                    if (idle.Value is null)
                    {
                        WebmailLog.PoolFull(_logger, _entries.Count);
                        return new WebmailMailSession(creds, _connector, _options, _logger, WebmailFailure.TooManySessions);
                    }
                    _entries.Remove(idle.Key);
                    evicted = idle.Value.Session;
                }
                entry = new Entry(new WebmailMailSession(creds, _connector, _options, _logger, this, _time) { PreviewCache = _previewCache }, sessionKey);
                _entries.Add(key, entry);
            }
            entry.Leases++;
            entry.LastUsed = _time.GetTimestamp();
            leased = entry.Session;
        }
        if (evicted is not null)
        {
            _ = evicted.CloseAsync().AsTask();
        }
        return leased;
    }

    /// <summary>Hands a leased session back (called by <see cref="WebmailMailSession.DisposeAsync"/>).</summary>
    internal void Release(WebmailMailSession session)
    {
        lock (_entries)
        {
            foreach (var entry in _entries.Values)
            {
                if (ReferenceEquals(entry.Session, session))
                {
                    entry.Leases = Math.Max(0, entry.Leases - 1);
                    entry.LastUsed = _time.GetTimestamp();
                    return;
                }
            }
        }
    }

    /// <summary>Closes the pooled session of <paramref name="user"/>'s sign-in, if any (sign-out).</summary>
    public async Task CloseAsync(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var key = KeyOf(user);
        Entry? entry = null;
        lock (_entries)
        {
            if (key is not null && _entries.Remove(key, out var found))
            {
                entry = found;
            }
        }
        if (entry is not null)
        {
            await entry.Session.CloseAsync();
        }
    }

    /// <summary>
    /// Closes the pooled sessions of the sign-ins <paramref name="sessionKeys"/> (session row keys; sign-out everywhere,
    /// password change) and refuses later leases of them; their circuits get <see cref="WebmailMailSession.SignedOut"/>.
    /// </summary>
    public async Task RevokeAsync(IEnumerable<string> sessionKeys)
    {
        ArgumentNullException.ThrowIfNull(sessionKeys);
        var keys = sessionKeys.ToHashSet(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return;
        }
        List<WebmailMailSession> revoked = [];
        lock (_entries)
        {
            var now = _time.GetTimestamp();
            foreach (var key in keys)
            {
                _revoked[key] = now;
            }
            foreach (var (poolKey, entry) in _entries.Where(e => e.Value.SessionKey is { } k && keys.Contains(k)).ToList())
            {
                _entries.Remove(poolKey);
                revoked.Add(entry.Session);
            }
        }
        foreach (var session in revoked)
        {
            WebmailLog.PoolSessionRevoked(_logger, session.Address);
            await session.RevokeAsync();
        }
    }

    /// <summary>
    /// Revokes the held sessions whose <c>WebSessions</c> row is gone, expired or past the absolute timeout
    /// (<see cref="WebmailOptions.SessionAbsoluteHours"/>; signed out on some node): one query per
    /// 500 sessions. A failing database leaves every session open until the next check.
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
                foreach (var key in forgotten)
                {
                    _revoked.Remove(key);
                }
                held = [.. _entries.Values.Select(e => e.SessionKey).OfType<string>().Distinct(StringComparer.Ordinal)];
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
            await RevokeAsync(held.Where(k => !alive.Contains(k)));
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

    /// <summary>
    /// Closes sessions nobody has held for <see cref="WebmailOptions.PoolIdleSeconds"/>, and the command connections
    /// of the others that ran no command for <see cref="WebmailOptions.PoolConnectionIdleSeconds"/>.
    /// </summary>
    private async Task SweepAsync()
    {
        List<WebmailMailSession> idle;
        List<WebmailMailSession> others;
        lock (_entries)
        {
            var expired = _entries.Where(e => e.Value.Leases == 0 && _time.GetElapsedTime(e.Value.LastUsed) >= IdleTimeout).ToList();
            foreach (var (key, _) in expired)
            {
                _entries.Remove(key);
            }
            idle = [.. expired.Select(e => e.Value.Session)];
            others = [.. _entries.Values.Select(e => e.Session)];
        }
        foreach (var session in idle)
        {
            WebmailLog.PoolSessionIdleClosed(_logger, session.Address);
            await session.CloseAsync();
        }
        if (ConnectionIdleTimeout is { } connectionIdle)
        {
            foreach (var session in others)
            {
                if (await session.DisconnectIfIdleAsync(connectionIdle))
                {
                    WebmailLog.PoolConnectionIdleClosed(_logger, session.Address);
                }
            }
        }
    }

    /// <summary>The pool key of a sign-in: SHA-256 of its protected password claim (random per sign-in), or null.</summary>
    private static string? KeyOf(ClaimsPrincipal user)
    {
        var secret = user.FindFirst(WebmailCredentialProtector.SecretClaimType)?.Value;
        return user.Identity?.IsAuthenticated == true && !string.IsNullOrEmpty(secret)
            ? Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        List<WebmailMailSession> all;
        lock (_entries)
        {
            _disposed = true;
            all = [.. _entries.Values.Select(e => e.Session)];
            _entries.Clear();
        }
        await _sweeper.DisposeAsync();
        if (_checker is not null)
        {
            await _checker.DisposeAsync();
        }
        foreach (var session in all)
        {
            await session.CloseAsync();
        }
    }

    private sealed class Entry(WebmailMailSession session, string? sessionKey)
    {
        public WebmailMailSession Session { get; } = session;

        /// <summary>The sign-in's session row key (<see cref="PlatformTicketStore.SessionKeyClaimType"/>), when the principal has one.</summary>
        public string? SessionKey { get; } = sessionKey;

        public int Leases { get; set; }

        public long LastUsed { get; set; }
    }
}

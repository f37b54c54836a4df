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
/// <para>Sign-out everywhere and password change (<see cref="RevokeAsync"/>, on the node that ends the sign-ins) first
/// tells this node's circuits of those sign-ins (<see cref="WatchSignOut"/>: their tabs leave for the sign-in page),
/// then closes their pooled IMAP connections and refuses later leases. Other nodes learn it two ways (partial file
/// <c>WebmailConnectionPool.SignOut.cs</c>): at once over Redis pub/sub when <c>ConnectionStrings:Redis</c> is set
/// (<see cref="WebmailSignOutBus"/>, typically well under a second), and in any case every
/// <see cref="WebmailOptions.PoolSessionCheckSeconds"/> from the platform DB (the session rows, <c>WebSessions</c>, by the
/// <see cref="PlatformTicketStore.SessionKeyClaimType"/> claim, of the sign-ins this node holds or watches, in one query):
/// the fallback while Redis is down or a message was missed.</para>
/// </remarks>
public sealed partial class WebmailConnectionPool : IAsyncDisposable
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
    private readonly WebmailSignOutBus? _signOutBus;
    private readonly WebmailPreviewCache? _previewCache;
    private bool _disposed;

    public WebmailConnectionPool(
        WebmailImapConnector connector, WebmailCredentialProtector credentials, IOptions<WebmailOptions> options,
        TimeProvider time, ILogger<WebmailMailSession> logger, IDbContextFactory<PlatformDbContext>? dbFactory = null,
        WebmailPreviewCache? previewCache = null, WebmailSignOutBus? signOutBus = null)
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
        if (signOutBus is { IsEnabled: true })
        {
            _signOutBus = signOutBus;
            signOutBus.Received += OnRemoteSignOut;
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
        var signOutId = sessionKey is null ? null : SignOutIdOf(sessionKey);
        WebmailMailSession? evicted = null;
        WebmailMailSession leased;
        lock (_entries)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (signOutId is not null && _revoked.ContainsKey(signOutId))
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
        if (_signOutBus is not null)
        {
            _signOutBus.Received -= OnRemoteSignOut;
        }
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

        /// <summary><see cref="SignOutIdOf"/> of <see cref="SessionKey"/>.</summary>
        public string? SignOutId { get; } = sessionKey is null ? null : SignOutIdOf(sessionKey);

        public int Leases { get; set; }

        public long LastUsed { get; set; }
    }
}

using System.Buffers.Text;
using StackExchange.Redis;

namespace Mail.Web.Webmail;

/// <summary>
/// Tells every web node at once that sign-ins ended (sign-out everywhere, password change) over Redis pub/sub, so their
/// pools (<see cref="WebmailConnectionPool"/>) close those sign-ins' IMAP connections and send their open tabs to the
/// sign-in page within about a second instead of at the next platform DB check
/// (<see cref="WebmailOptions.PoolSessionCheckSeconds"/>, which stays as the fallback).
/// </summary>
/// <remarks>
/// <para><b>Configuration</b>: on when <c>ConnectionStrings:Redis</c> (a StackExchange.Redis configuration string, e.g.
/// <c>redis1:6379,password=...</c>) is set, the same Redis the directory cache and the throttles use; off (every
/// method a no-op) otherwise.</para>
/// <para><b>Channel</b> <see cref="Channel"/>; one message per up to <see cref="MaxIdsPerMessage"/> ended sign-ins, UTF-8
/// lines separated by LF: the sender's random node id (32 hex digits), then one sign-out id per line
/// (<see cref="WebmailConnectionPool.SignOutIdOf"/>: SHA-256 of the session row key, base64url, 43 characters; the key
/// itself, which the session cookie protects, is never published). A node ignores its own messages and lines that are
/// not sign-out ids.</para>
/// <para><b>Outages</b>: the connection uses <c>abortConnect=false</c>, fails fast while disconnected and times out after
/// <see cref="TimeoutMilliseconds"/>; a failed publish is logged (once per outage) and never fails the sign-out, and a
/// node that was disconnected when a message went out misses it: both are covered by the DB check. The client
/// reconnects and renews the subscription on its own. Pub/sub is at-most-once: a message is never repeated.</para>
/// </remarks>
public sealed class WebmailSignOutBus : IDisposable
{
    /// <summary>The pub/sub channel.</summary>
    public const string Channel = "mail:webmail:v1:signed-out";

    /// <summary>Most sign-out ids in one message (more are sent as several messages).</summary>
    public const int MaxIdsPerMessage = 1000;

    /// <summary>Timeout of a publish (and of the subscribe at start), in milliseconds.</summary>
    public const int TimeoutMilliseconds = 500;

    /// <summary>How long the constructor waits for the first connection, in milliseconds (then it connects in the background).</summary>
    public const int ConnectTimeoutMilliseconds = 2000;

    /// <summary>Length of a sign-out id (base64url of 32 bytes, unpadded).</summary>
    private const int SignOutIdLength = 43;

    private static readonly RedisChannel s_channel = RedisChannel.Literal(Channel);

    private readonly ConnectionMultiplexer? _redis;
    private readonly ILogger<WebmailSignOutBus> _logger;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private int _down;

    /// <summary>Connects and subscribes when <paramref name="configuration"/> is set (in the background when Redis is not up yet).</summary>
    /// <param name="configuration">StackExchange.Redis configuration string (<c>ConnectionStrings:Redis</c>); null or empty turns the bus off.</param>
    /// <param name="logger">Logger.</param>
    public WebmailSignOutBus(string? configuration, ILogger<WebmailSignOutBus> logger)
    {
        _logger = logger;
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return;
        }
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = ConnectTimeoutMilliseconds;
        options.SyncTimeout = TimeoutMilliseconds;
        options.AsyncTimeout = TimeoutMilliseconds;
        options.ConnectRetry = 1;
        // While disconnected, fail at once instead of queueing a publish until it times out.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        _redis = ConnectionMultiplexer.Connect(options);
        try
        {
            // Kept by the client and renewed after every reconnect, also when this first attempt fails.
            _redis.GetSubscriber().Subscribe(s_channel, (_, message) => OnMessage(message));
            Up();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // RedisTimeoutException derives from TimeoutException, not from RedisException.
            Down(ex);
        }
    }

    /// <summary>True when <c>ConnectionStrings:Redis</c> is set.</summary>
    public bool IsEnabled => _redis is not null;

    /// <summary>True while the connection to Redis is up.</summary>
    public bool IsConnected => _redis?.IsConnected == true;

    /// <summary>Raised (on a Redis thread) with the sign-out ids another node announced.</summary>
    public event Action<IReadOnlyCollection<string>>? Received;

    /// <summary>Announces that the sign-ins <paramref name="signOutIds"/> ended to every other node.</summary>
    /// <returns>True when every message went to Redis; false when the bus is off or Redis failed (logged, never thrown).</returns>
    public async Task<bool> PublishAsync(IReadOnlyCollection<string> signOutIds)
    {
        ArgumentNullException.ThrowIfNull(signOutIds);
        if (_redis is null || signOutIds.Count == 0)
        {
            return false;
        }
        try
        {
            var subscriber = _redis.GetSubscriber();
            foreach (var chunk in signOutIds.Chunk(MaxIdsPerMessage))
            {
                await subscriber.PublishAsync(s_channel, _nodeId + "\n" + string.Join('\n', chunk));
            }
            Up();
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Down(ex);
            return false;
        }
    }

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[0] == _nodeId)
        {
            return;
        }
        var ids = lines.Skip(1).Take(MaxIdsPerMessage).Where(IsSignOutId).ToHashSet(StringComparer.Ordinal);
        if (ids.Count > 0)
        {
            WebmailLog.SignOutReceived(_logger, ids.Count);
            Received?.Invoke(ids);
        }
    }

    private static bool IsSignOutId(string line) =>
        line.Length == SignOutIdLength && Base64Url.IsValid(line, out var decoded) && decoded == 32;

    private void Up()
    {
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            WebmailLog.SignOutBusBack(_logger);
        }
    }

    private void Down(Exception ex)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            WebmailLog.SignOutBusUnavailable(_logger, ex.GetType().Name);
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _redis?.Dispose();
}

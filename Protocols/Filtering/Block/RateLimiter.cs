using System.Collections.Concurrent;
using System.Net;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// A sliding one-minute window of events per client IP: at most <c>limit</c> timestamps are kept
/// per IP, so memory is bounded by limit × tracked clients. Thread-safe; time from <see cref="TimeProvider"/>.
/// </summary>
public sealed class RateLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _clients = new();
    private readonly int _limit;
    private readonly int _maxClients;
    private readonly TimeProvider _time;

    /// <summary>Allows <paramref name="limitPerMinute"/> events per IP per minute (0 = unlimited).</summary>
    public RateLimiter(int limitPerMinute, int maxClients, TimeProvider time)
    {
        _limit = limitPerMinute;
        _maxClients = Math.Max(1, maxClients);
        _time = time;
    }

    /// <summary>Records an event for <paramref name="client"/>; false (and not recorded) when it would exceed the limit.</summary>
    public bool TryAcquire(IPAddress client)
    {
        if (_limit <= 0)
        {
            return true;
        }
        var now = _time.GetUtcNow();
        if (_clients.Count >= _maxClients && !_clients.ContainsKey(client))
        {
            Prune(now);
        }
        var events = _clients.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (events)
        {
            while (events.Count > 0 && now - events.Peek() >= Window)
            {
                events.Dequeue();
            }
            if (events.Count >= _limit)
            {
                return false;
            }
            events.Enqueue(now);
            return true;
        }
    }

    /// <summary>Drops clients without events in the window; if still full, forgets everyone (fail open, never unbounded).</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (ip, events) in _clients)
        {
            bool stale;
            lock (events)
            {
                stale = events.Count == 0 || now - events.Last() >= Window;
            }
            if (stale)
            {
                _clients.TryRemove(ip, out _);
            }
        }
        if (_clients.Count >= _maxClients)
        {
            _clients.Clear();
        }
    }
}

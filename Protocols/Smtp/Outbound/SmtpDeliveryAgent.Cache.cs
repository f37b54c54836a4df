using System.Collections.Concurrent;
using Mail.Protocols.Smtp.Outbound.Client;

namespace Mail.Protocols.Smtp.Outbound;

internal sealed partial class SmtpDeliveryAgent
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<IdleConnection>> _idle = new(StringComparer.Ordinal);

    /// <summary>An open SMTP session to a domain's next hop, waiting for the next message (Postfix's connection cache).</summary>
    private sealed record IdleConnection(SmtpDeliveryClient Client, string Where, DateTimeOffset Since);

    /// <summary>A cached session for <paramref name="domain"/> younger than <see cref="OutboundOptions.ConnectionCacheSeconds"/>, or null.</summary>
    private IdleConnection? TakeIdle(string domain)
    {
        if (!_idle.TryGetValue(domain, out var queue))
        {
            return null;
        }
        var now = time.GetUtcNow();
        while (queue.TryDequeue(out var idle))
        {
            if (idle.Client.IsConnected && now - idle.Since < TimeSpan.FromSeconds(_options.ConnectionCacheSeconds))
            {
                return idle;
            }
            Close(idle.Client);
        }
        return null;
    }

    /// <summary>Keeps a session after a clean transaction (up to the per-domain concurrency), else closes it with QUIT.</summary>
    private void Release(string domain, SmtpDeliveryClient client, string where)
    {
        if (_options.ConnectionCacheSeconds > 0 && client.Reusable && client.IsConnected)
        {
            var queue = _idle.GetOrAdd(domain, _ => new ConcurrentQueue<IdleConnection>());
            if (queue.Count < _options.MaxConcurrentPerDomain)
            {
                queue.Enqueue(new IdleConnection(client, where, time.GetUtcNow()));
                return;
            }
        }
        Close(client);
    }

    /// <summary>
    /// Closes cached sessions idle for longer than <see cref="OutboundOptions.ConnectionCacheSeconds"/> (called by the
    /// scheduler right after it starts deliveries). Only expired sessions at the head of each queue (the oldest, as
    /// sessions are queued in release order) are taken out: a live session is never out of its queue here, so a
    /// delivery starting at the same moment always finds it (taking every entry out and putting the live ones back made
    /// such a delivery open a second connection).
    /// </summary>
    public void CloseIdle()
    {
        var now = time.GetUtcNow();
        foreach (var (_, queue) in _idle)
        {
            while (queue.TryPeek(out var head) && IsExpired(head, now) && queue.TryDequeue(out var taken))
            {
                if (IsExpired(taken, now))
                {
                    Close(taken.Client);
                }
                else
                {
                    // A delivery took the expired head meanwhile and this one is live: back it goes, and stop.
                    queue.Enqueue(taken);
                    break;
                }
            }
        }
    }

    private bool IsExpired(IdleConnection idle, DateTimeOffset now) =>
        !idle.Client.IsConnected || now - idle.Since >= TimeSpan.FromSeconds(_options.ConnectionCacheSeconds);

    public void Dispose()
    {
        foreach (var (_, queue) in _idle)
        {
            while (queue.TryDequeue(out var idle))
            {
                Close(idle.Client);
            }
        }
    }

    private static void Close(SmtpDeliveryClient client)
    {
        _ = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.QuitAsync(timeout.Token);
        });
    }
}

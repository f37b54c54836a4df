using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// In-memory greylisting (as postgrey): the first attempt of a (client network, sender, recipient)
/// triplet is refused with a temporary error; a retry after <see cref="GreylistOptions.DelaySeconds"/>
/// and within <see cref="GreylistOptions.RetryWindowHours"/> passes, and the triplet then passes at
/// once for <see cref="GreylistOptions.PassLifetimeDays"/> after its last message. The network is the
/// IPv4 /24 or the IPv6 /64 (senders with pools of outbound servers retry from a sibling address).
/// </summary>
/// <remarks>Thread-safe; time from <see cref="TimeProvider"/>; at most <see cref="GreylistOptions.MaxEntries"/> triplets.</remarks>
public sealed class Greylist
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly GreylistOptions _options;
    private readonly TimeProvider _time;

    public Greylist(GreylistOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>Number of triplets held.</summary>
    public int Count => _entries.Count;

    /// <summary>Null when the triplet passes, else how long the client still has to wait (zero or more).</summary>
    public TimeSpan? Check(IPAddress client, string sender, string recipient)
    {
        var now = _time.GetUtcNow();
        var key = Network(client) + "|" + sender.ToLowerInvariant() + "|" + recipient.ToLowerInvariant();
        var delay = TimeSpan.FromSeconds(_options.DelaySeconds);
        if (_entries.Count >= _options.MaxEntries && !_entries.ContainsKey(key))
        {
            Prune(now);
        }
        var entry = _entries.GetOrAdd(key, _ => new Entry(now));
        lock (entry)
        {
            if (entry.Passed)
            {
                if (now - entry.LastSeen <= TimeSpan.FromDays(_options.PassLifetimeDays))
                {
                    entry.LastSeen = now;
                    return null;
                }
                entry.Restart(now);
                return delay;
            }
            var waited = now - entry.First;
            if (waited > TimeSpan.FromHours(_options.RetryWindowHours))
            {
                entry.Restart(now);
                return delay;
            }
            if (waited >= delay)
            {
                entry.Passed = true;
                entry.LastSeen = now;
                return null;
            }
            return delay - waited;
        }
    }

    /// <summary>The IPv4 /24 or IPv6 /64 of <paramref name="client"/> as text.</summary>
    public static string Network(IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24";
        }
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private void Prune(DateTimeOffset now)
    {
        var lifetime = TimeSpan.FromDays(_options.PassLifetimeDays);
        var window = TimeSpan.FromHours(_options.RetryWindowHours);
        foreach (var (key, entry) in _entries)
        {
            bool expired;
            lock (entry)
            {
                expired = entry.Passed ? now - entry.LastSeen > lifetime : now - entry.First > window;
            }
            if (expired)
            {
                _entries.TryRemove(key, out _);
            }
        }
        if (_entries.Count < _options.MaxEntries)
        {
            return;
        }
        // Still full: drop the oldest pending triplets (they only cost their sender one more retry).
        var pending = _entries.Where(e => !e.Value.Passed).OrderBy(e => e.Value.First).Take(Math.Max(1, _entries.Count - (_options.MaxEntries * 9 / 10))).ToList();
        foreach (var (key, _) in pending)
        {
            _entries.TryRemove(key, out _);
        }
    }

    private sealed class Entry(DateTimeOffset first)
    {
        public DateTimeOffset First { get; private set; } = first;

        public DateTimeOffset LastSeen { get; set; } = first;

        public bool Passed { get; set; }

        public void Restart(DateTimeOffset now)
        {
            First = now;
            LastSeen = now;
            Passed = false;
        }
    }
}

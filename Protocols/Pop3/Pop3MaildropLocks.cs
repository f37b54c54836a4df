using System.Collections.Concurrent;

namespace Mail.Protocols.Pop3;

/// <summary>
/// The exclusive-access locks on maildrops (RFC 1939 §8): one holder per account at a time, taken
/// after authentication and released at QUIT or disconnect. Process-wide (one instance per listener,
/// i.e. per Mailbox node, which owns the account's store).
/// </summary>
internal sealed class Pop3MaildropLocks
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes the lock of <paramref name="account"/>; false when another session holds it.</summary>
    public bool TryAcquire(string account) => _held.TryAdd(account, 0);

    /// <summary>Releases the lock of <paramref name="account"/>.</summary>
    public void Release(string account) => _held.TryRemove(account, out _);
}

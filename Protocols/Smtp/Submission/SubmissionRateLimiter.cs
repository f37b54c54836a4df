namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// Sending limits over a sliding hour, per user (<see cref="SubmissionOptions.MaxMessagesPerHour"/>,
/// <see cref="SubmissionOptions.MaxRecipientsPerHour"/>) and per user domain
/// (<see cref="SubmissionOptions.MaxMessagesPerDomainPerHour"/>), counted on this node, on the injected clock. A
/// limit of 0 is no limit. Only queued messages count (a refused transaction costs nothing).
/// </summary>
internal sealed class SubmissionRateLimiter(SubmissionOptions options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, int Recipients)>> _sent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>True when <paramref name="user"/> (and the user's domain) may start one more message.</summary>
    public bool MayStartMessage(string user)
    {
        lock (_lock)
        {
            return (options.MaxMessagesPerHour <= 0 || Recent(user).Count < options.MaxMessagesPerHour)
                && (options.MaxMessagesPerDomainPerHour <= 0 || Recent(DomainKey(user)).Count < options.MaxMessagesPerDomainPerHour);
        }
    }

    /// <summary>True when <paramref name="user"/> may add a recipient to a transaction that has <paramref name="inTransaction"/> already.</summary>
    public bool MayAddRecipient(string user, int inTransaction)
    {
        if (options.MaxRecipientsPerHour <= 0)
        {
            return true;
        }
        lock (_lock)
        {
            return Recent(user).Sum(s => s.Recipients) + inTransaction < options.MaxRecipientsPerHour;
        }
    }

    /// <summary>Counts a queued message.</summary>
    public void Record(string user, int recipients)
    {
        lock (_lock)
        {
            Recent(user).Enqueue((time.GetUtcNow(), recipients));
            if (options.MaxMessagesPerDomainPerHour > 0)
            {
                Recent(DomainKey(user)).Enqueue((time.GetUtcNow(), recipients));
            }
        }
    }

    /// <summary>The domain's counter key: "@domain" (no user address starts with "@").</summary>
    private static string DomainKey(string user) => user[user.LastIndexOf('@')..];

    private Queue<(DateTimeOffset At, int Recipients)> Recent(string user)
    {
        if (!_sent.TryGetValue(user, out var queue))
        {
            _sent[user] = queue = new Queue<(DateTimeOffset, int)>();
        }
        var cutoff = time.GetUtcNow() - Window;
        while (queue.TryPeek(out var oldest) && oldest.At <= cutoff)
        {
            queue.Dequeue();
        }
        return queue;
    }
}

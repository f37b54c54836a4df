namespace Mail.Protocols.Smtp.Submission;

/// <summary>
/// Per-user sending limits over a sliding hour (<see cref="SubmissionOptions.MaxMessagesPerHour"/>,
/// <see cref="SubmissionOptions.MaxRecipientsPerHour"/>), counted on this node, on the injected clock. A limit of
/// 0 is no limit. Only queued messages count (a refused transaction costs nothing).
/// </summary>
internal sealed class SubmissionRateLimiter(SubmissionOptions options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, int Recipients)>> _sent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>True when <paramref name="user"/> may start one more message.</summary>
    public bool MayStartMessage(string user)
    {
        if (options.MaxMessagesPerHour <= 0)
        {
            return true;
        }
        lock (_lock)
        {
            return Recent(user).Count < options.MaxMessagesPerHour;
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
        }
    }

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

using System.Threading.Channels;
using Mail.Protocols.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// Trains a user's Bayes data (<see cref="ISpamLearner"/>, and spamd's through it when configured) from what the user
/// does with messages over IMAP: a message moved or copied into the mailbox with special use <c>\Junk</c> (RFC 6154)
/// is learned as spam; one moved or copied out of Junk into any mailbox but Trash is learned as ham. The IMAP reply
/// never waits: the copies are queued (bounded, <see cref="Capacity"/> jobs; when full, the job is dropped and logged)
/// and read back from the destination mailbox by this background worker. Learning the same message twice is a no-op.
/// </summary>
public sealed class JunkMoveLearning(IMailStore store, ISpamLearner learner, ILogger<JunkMoveLearning> logger) : BackgroundService
{
    /// <summary>Most queued jobs (one per IMAP command).</summary>
    public const int Capacity = 10_000;

    /// <summary>Most messages learned from one IMAP command (a bulk move of a whole folder trains its first ones).</summary>
    public const int MaxMessagesPerCommand = 500;

    private readonly Channel<Job> _jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _learned;

    /// <summary>Messages learned since start (for tests and metrics).</summary>
    public long Learned => Interlocked.Read(ref _learned);

    /// <summary>
    /// Decides what a COPY or MOVE from <paramref name="source"/> to <paramref name="destination"/> teaches, and queues
    /// it: spam into Junk, ham out of Junk (not into Trash), nothing otherwise.
    /// </summary>
    /// <param name="account">Canonical account address.</param>
    /// <param name="destinationMailboxId">Where the copies are now.</param>
    /// <param name="destinationUids">UIDs of the copies in the destination.</param>
    /// <returns>The class queued, or null when the operation teaches nothing (or the queue is full).</returns>
    public SpamClass? Observe(string account, SpecialUse source, SpecialUse destination, long destinationMailboxId, IReadOnlyList<uint> destinationUids)
    {
        ArgumentNullException.ThrowIfNull(destinationUids);
        SpamClass? kind = destination == SpecialUse.Junk && source != SpecialUse.Junk ? SpamClass.Spam
            : source == SpecialUse.Junk && destination is not (SpecialUse.Junk or SpecialUse.Trash) ? SpamClass.Ham
            : null;
        if (kind is null || destinationUids.Count == 0)
        {
            return null;
        }
        if (!_jobs.Writer.TryWrite(new Job(account, destinationMailboxId, [.. destinationUids.Take(MaxMessagesPerCommand)], kind.Value)))
        {
            LearningLog.MoveLearningQueueFull(logger, account);
            return null;
        }
        return kind;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var account = await store.OpenAccountAsync(job.Account, stoppingToken);
                foreach (var uid in job.Uids)
                {
                    await using var message = await account.OpenMessageAsync(job.MailboxId, uid, stoppingToken);
                    if (message is null)
                    {
                        continue;
                    }
                    await learner.LearnAsync(job.Account, message, job.Kind, stoppingToken);
                    Interlocked.Increment(ref _learned);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException
                or Microsoft.Data.Sqlite.SqliteException)
            {
                LearningLog.MoveLearningFailed(logger, job.Account, ex);
            }
        }
    }

    private sealed record Job(string Account, long MailboxId, uint[] Uids, SpamClass Kind);
}

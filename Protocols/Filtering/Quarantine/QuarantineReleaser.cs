using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Quarantine;

/// <summary>
/// On the SMTP-in node: every <see cref="QuarantineOptions.ReleasePollMilliseconds"/>, delivers the releases users
/// (webmail) and admins (<c>admin quarantine release</c>) asked for, straight into the account's INBOX through
/// <see cref="IMailStore"/> (no scan: the filter already caught it and a person decided), each claimed once; and every
/// <see cref="QuarantineOptions.PurgeIntervalMinutes"/>, deletes expired entries (<see cref="QuarantineOptions.RetentionDays"/>).
/// </summary>
/// <remarks>A release the store refuses (over quota, too big) goes back to held with the reason shown to the user.</remarks>
public sealed class QuarantineReleaser : BackgroundService
{
    private readonly IQuarantineStore _quarantine;
    private readonly IMailStore _store;
    private readonly QuarantineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public QuarantineReleaser(IQuarantineStore quarantine, IMailStore store, IOptions<FilterOptions> options, TimeProvider time, ILogger<QuarantineReleaser> logger)
    {
        _quarantine = quarantine;
        _store = store;
        _options = options.Value.Quarantine;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ReleaseNextAsync(stoppingToken))
                {
                }
                if (_time.GetUtcNow() >= nextPurge)
                {
                    await PurgeAsync(stoppingToken);
                    nextPurge = _time.GetUtcNow() + TimeSpan.FromMinutes(Math.Max(_options.PurgeIntervalMinutes, 1.0 / 60));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LearningLog.ReleasePassFailed(_logger, ex);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(_options.ReleasePollMilliseconds, 10)), _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Delivers one requested release; false when none waits.</summary>
    public async Task<bool> ReleaseNextAsync(CancellationToken cancellationToken)
    {
        if (await _quarantine.ClaimReleaseAsync(cancellationToken) is not { } entry)
        {
            return false;
        }
        string? error;
        uint uid = 0;
        var message = _quarantine.OpenMessage(entry);
        if (message is null)
        {
            error = "the quarantined copy is missing";
        }
        else
        {
            await using (message)
            {
                try
                {
                    // Not the host's token: a claimed release runs to its end so its state is settled.
                    var outcome = await _store.DeliverAsync([entry.Account], message, entry.ReceivedAt, DeliveryTarget.Inbox, CancellationToken.None);
                    var result = outcome[0];
                    (error, uid) = result.Status == StoreStatus.Ok ? (null, result.Uid) : ("delivery refused: " + result.Status, 0u);
                }
                catch (IOException ex)
                {
                    error = "store error: " + ex.Message;
                }
            }
        }
        await _quarantine.CompleteReleaseAsync(entry.Id, uid, error, _time.GetUtcNow(), CancellationToken.None);
        if (error is null)
        {
            LearningLog.Released(_logger, entry.Id, entry.QueueId, entry.Account, uid);
        }
        else
        {
            LearningLog.ReleaseFailed(_logger, entry.Id, error);
        }
        return true;
    }

    /// <summary>Deletes expired entries now.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var count = await _quarantine.PurgeExpiredAsync(_time.GetUtcNow(), cancellationToken);
        if (count > 0)
        {
            LearningLog.Purged(_logger, count);
        }
        return count;
    }
}

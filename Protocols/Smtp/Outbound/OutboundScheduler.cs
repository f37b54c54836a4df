using System.Collections.Concurrent;
using System.Threading.Channels;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// Runs the outbound queue (role <c>Outbound</c>): recovers <see cref="OutboundQueueStore"/> at start, tries
/// each message when due, one connection per destination domain per attempt, at most
/// <see cref="OutboundOptions.MaxConcurrentDeliveries"/> connections overall and
/// <see cref="OutboundOptions.MaxConcurrentPerDomain"/> per domain; records per-recipient results durably after
/// every attempt; retries temporary failures with doubling delays from <see cref="OutboundOptions.FirstRetrySeconds"/>
/// up to <see cref="OutboundOptions.MaxRetrySeconds"/>; fails what is left after
/// <see cref="OutboundOptions.MaxQueueLifetimeSeconds"/> (<c>4.4.7</c>); sends a DSN (<see cref="DsnBuilder"/>) for
/// failed recipients to authenticated senders only; applies <c>admin queue</c> requests from <c>control/</c>.
/// Time comes from the injected <see cref="TimeProvider"/>, so tests advance it instead of waiting.
/// </summary>
/// <remarks>
/// At least once: a recipient is marked delivered only after the next hop's 250 and that mark is written
/// before the message leaves the queue, so a crash in between delivers it again, never zero times.
/// </remarks>
internal sealed partial class OutboundScheduler : BackgroundService
{
    private readonly OutboundQueueStore _store;
    private readonly SmtpDeliveryAgent _smtp;
    private readonly LocalDeliveryAgent _local;
    private readonly OutboundOptions _options;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OutboundQueueEntry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Verb, string Path)>> _deferredControl = new(StringComparer.Ordinal);
    private readonly HashSet<string> _controlSeen = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _connections;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _domainLimits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private FileSystemWatcher? _watcher;

    public OutboundScheduler(
        OutboundQueueStore store,
        SmtpDeliveryAgent smtp,
        LocalDeliveryAgent local,
        IOptions<OutboundOptions> options,
        IOptions<MailOptions> mail,
        TimeProvider time,
        ILogger<OutboundScheduler> logger)
    {
        _store = store;
        _smtp = smtp;
        _local = local;
        _options = options.Value;
        _host = mail.Value.HostName;
        _time = time;
        _logger = logger;
        _connections = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDeliveries));
    }

    /// <summary>Messages in the queue right now (tests, metrics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Raised after an attempt on a message finished (delivered, deferred, failed or removed).</summary>
    public event Action<OutboundQueueEntry>? AttemptFinished;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var (entries, orphans) = _store.Recover();
        foreach (var orphan in orphans)
        {
            OutboundLog.Orphan(_logger, orphan);
        }
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _entries[entry.Id] = entry;
                _due.Enqueue(entry.Id, entry.NextAttempt);
            }
        }
        OutboundLog.Recovered(_logger, entries.Count);
        _store.Enqueued += OnEnqueued;
        try
        {
            _watcher = new FileSystemWatcher(_store.ControlPath) { NotifyFilter = NotifyFilters.FileName };
            _watcher.Created += (_, _) => Wake();
            _watcher.Renamed += (_, _) => Wake();
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException ex)
        {
            // E.g. the inotify instance limit: control files are then picked up by the loop's periodic wake.
            OutboundLog.NoWatcher(_logger, ex.Message);
            _watcher?.Dispose();
            _watcher = null;
        }
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _store.Enqueued -= OnEnqueued;
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _connections.Dispose();
        base.Dispose();
    }

    private void OnEnqueued(OutboundQueueEntry entry)
    {
        lock (_lock)
        {
            _entries[entry.Id] = entry;
            _due.Enqueue(entry.Id, entry.NextAttempt);
        }
        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? next;
            try
            {
                await ApplyControlAsync(stoppingToken);
                next = StartDue(stoppingToken);
                _smtp.CloseIdle();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                OutboundLog.SchedulerFailed(_logger, ex);
                next = _time.GetUtcNow().AddSeconds(5);
            }
            // Wake at least every minute (control files missed by the watcher), or as often as cached connections expire.
            var cap = TimeSpan.FromSeconds(_options.ConnectionCacheSeconds is > 0 and < 60 ? _options.ConnectionCacheSeconds : 60);
            var delay = next is null ? cap : next.Value - _time.GetUtcNow();
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > cap ? cap : delay;
            using var timer = new CancellationTokenSource(delay, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stoppingToken);
            try
            {
                await _wake.Reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Timer: something is due.
            }
        }
    }

    /// <summary>Starts every due message that is neither held nor in flight; returns the next due time.</summary>
    private DateTimeOffset? StartDue(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        var start = new List<OutboundQueueEntry>();
        DateTimeOffset? next = null;
        lock (_lock)
        {
            while (_due.TryPeek(out var id, out var at))
            {
                if (at > now)
                {
                    next = at;
                    break;
                }
                _due.Dequeue();
                if (_entries.TryGetValue(id, out var entry) && !entry.Held && entry.NextAttempt <= now && _inFlight.Add(id))
                {
                    start.Add(entry);
                }
            }
        }
        foreach (var entry in start)
        {
            var task = Task.Run(() => RunAttemptAsync(entry, stoppingToken), CancellationToken.None);
            _running.TryAdd(task, 0);
            _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        }
        return next;
    }

    private async Task RunAttemptAsync(OutboundQueueEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            var groups = entry.Recipients
                .Where(r => r.Status == OutboundRecipientStatus.Pending)
                .GroupBy(r => r.Domain, StringComparer.Ordinal)
                .Select(g => (Domain: g.Key, Recipients: g.Select(r => r.Address).ToList()))
                .ToList();
            if (groups.Count > 0)
            {
                var results = await Task.WhenAll(groups.Select(g => DeliverGroupAsync(entry, g.Domain, g.Recipients, stoppingToken)));
                Record(entry, results.SelectMany(r => r));
                entry.Attempts++;
            }
            await FinishAsync(entry, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the entry file still says what was delivered; the rest is retried at the next start.
        }
        catch (Exception ex)
        {
            OutboundLog.AttemptFailed(_logger, entry.Id, ex);
            entry.Attempts++;
            entry.NextAttempt = _time.GetUtcNow() + Backoff(entry.Attempts);
            lock (_lock)
            {
                _due.Enqueue(entry.Id, entry.NextAttempt);
            }
        }
        finally
        {
            List<(string Verb, string Path)>? deferred;
            lock (_lock)
            {
                _inFlight.Remove(entry.Id);
                _deferredControl.Remove(entry.Id, out deferred);
            }
            if (deferred is not null)
            {
                foreach (var (verb, path) in deferred)
                {
                    await ApplyAsync(entry.Id, verb, path, CancellationToken.None);
                }
            }
            AttemptFinished?.Invoke(entry);
            Wake();
        }
    }

    private async Task<List<DeliveryResult>> DeliverGroupAsync(OutboundQueueEntry entry, string domain, List<string> recipients, CancellationToken cancellationToken)
    {
        var perDomain = _domainLimits.GetOrAdd(domain, _ => new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentPerDomain)));
        await perDomain.WaitAsync(cancellationToken);
        try
        {
            await _connections.WaitAsync(cancellationToken);
            try
            {
                return await _local.HandlesAsync(domain, cancellationToken)
                    ? await _local.DeliverAsync(entry, recipients, cancellationToken)
                    : await _smtp.DeliverAsync(entry, domain, recipients, cancellationToken);
            }
            catch (DirectoryUnavailableException)
            {
                return DeliveryResult.All(recipients, OutboundRecipientStatus.Pending, "451 4.3.0 directory unavailable", "local");
            }
            finally
            {
                _connections.Release();
            }
        }
        finally
        {
            perDomain.Release();
        }
    }

    private void Record(OutboundQueueEntry entry, IEnumerable<DeliveryResult> results)
    {
        var now = _time.GetUtcNow();
        foreach (var result in results)
        {
            var recipient = entry.Recipients.FirstOrDefault(r => r.Status == OutboundRecipientStatus.Pending && r.Address.Equals(result.Address, StringComparison.OrdinalIgnoreCase) && r.Done is null)
                ?? entry.Recipients.FirstOrDefault(r => r.Status == OutboundRecipientStatus.Pending && r.Address.Equals(result.Address, StringComparison.OrdinalIgnoreCase));
            if (recipient is null)
            {
                continue;
            }
            recipient.Status = result.Status;
            recipient.LastReply = result.Reply;
            recipient.RemoteMta = result.Host;
            recipient.SuccessReportAction = result.Status == OutboundRecipientStatus.Delivered ? result.SuccessAction : null;
            recipient.Done = result.Status == OutboundRecipientStatus.Pending ? null : now;
            OutboundLog.RecipientResult(_logger, entry.Id, recipient.Address, result.Status, result.Host ?? "-", result.Reply);
        }
    }

    /// <summary>After an attempt: expire, reschedule, or send the DSN and remove.</summary>
    private async Task FinishAsync(OutboundQueueEntry entry, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await ReportSuccessAsync(entry, now, cancellationToken);
        var pending = entry.Recipients.Where(r => r.Status == OutboundRecipientStatus.Pending).ToList();
        if (pending.Count > 0 && now - entry.Created >= TimeSpan.FromSeconds(_options.MaxQueueLifetimeSeconds))
        {
            foreach (var recipient in pending)
            {
                recipient.Status = OutboundRecipientStatus.Failed;
                recipient.LastReply = "451 4.4.7 Delivery time expired; last error: " + (recipient.LastReply ?? "none");
                recipient.Done = now;
            }
            pending.Clear();
        }
        if (pending.Count > 0)
        {
            if (_options.DelayWarningSeconds > 0 && !entry.DelayNotified && now - entry.Created >= TimeSpan.FromSeconds(_options.DelayWarningSeconds)
                && entry.AuthenticatedUser is not null && entry.Sender.Length > 0)
            {
                var wanted = pending.Where(r => r.Wants("DELAY")).ToList();
                if (wanted.Count > 0)
                {
                    await QueueDsnAsync(entry, wanted, now, entry.Created + TimeSpan.FromSeconds(_options.MaxQueueLifetimeSeconds), cancellationToken);
                }
                entry.DelayNotified = true;
            }
            entry.NextAttempt = now + Backoff(entry.Attempts);
            await _store.WriteEntryAsync(entry, cancellationToken);
            lock (_lock)
            {
                _due.Enqueue(entry.Id, entry.NextAttempt);
            }
            OutboundLog.Deferred(_logger, entry.Id, entry.Attempts, entry.NextAttempt);
            return;
        }

        var failed = entry.Recipients.Where(r => r.Status == OutboundRecipientStatus.Failed && r.Wants("FAILURE")).ToList();
        if (failed.Count > 0 && entry.AuthenticatedUser is not null && entry.Sender.Length > 0)
        {
            // Results first, so a crash from here on re-sends only the DSN, never the message. (When everything was
            // delivered there is nothing to keep: a crash before the removal below only delivers again.)
            await _store.WriteEntryAsync(entry, cancellationToken);
            await QueueDsnAsync(entry, failed, now, null, cancellationToken);
        }
        _store.Remove(entry.Id);
        lock (_lock)
        {
            _entries.Remove(entry.Id);
        }
        OutboundLog.Removed(_logger, entry.Id);
    }

    /// <summary>
    /// NOTIFY=SUCCESS (RFC 3461 §4.1): one report for the recipients delivered locally or relayed to a next hop without
    /// DSN since the last report, to authenticated senders only. Marked before the entry is next written, so a crash
    /// may repeat a report, never lose one.
    /// </summary>
    private async Task ReportSuccessAsync(OutboundQueueEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (entry.AuthenticatedUser is null || entry.Sender.Length == 0)
        {
            return;
        }
        var succeeded = entry.Recipients
            .Where(r => r.Status == OutboundRecipientStatus.Delivered && !r.SuccessReported && r.SuccessReportAction is not null && r.Wants("SUCCESS"))
            .ToList();
        if (succeeded.Count == 0)
        {
            return;
        }
        byte[] dsn;
        await using (var original = _store.OpenMessage(entry.Id))
        {
            dsn = DsnBuilder.BuildSuccess(entry, succeeded, original, _host, now);
        }
        using var stream = new MemoryStream(dsn);
        var queued = await _store.EnqueueAsync("", [entry.Sender], null, stream, now, cancellationToken);
        foreach (var recipient in succeeded)
        {
            recipient.SuccessReported = true;
        }
        OutboundLog.DsnQueued(_logger, entry.Id, queued.Id, entry.Sender);
    }

    /// <summary>Queues a DSN (failure, or delay with <paramref name="retryUntil"/>) to the sender, with the null sender.</summary>
    private async Task QueueDsnAsync(OutboundQueueEntry entry, List<OutboundRecipient> recipients, DateTimeOffset now, DateTimeOffset? retryUntil, CancellationToken cancellationToken)
    {
        byte[] dsn;
        await using (var original = _store.OpenMessage(entry.Id))
        {
            dsn = DsnBuilder.Build(entry, recipients, original, _host, now, retryUntil);
        }
        using var stream = new MemoryStream(dsn);
        var queued = await _store.EnqueueAsync("", [entry.Sender], null, stream, now, cancellationToken);
        OutboundLog.DsnQueued(_logger, entry.Id, queued.Id, entry.Sender);
    }

    /// <summary>Doubling delay: first, 2×first, 4×first, ... capped at the maximum.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var seconds = _options.FirstRetrySeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxRetrySeconds));
    }
}

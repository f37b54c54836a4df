using System.Text.Json;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// Counts outbound TLS sessions per <see cref="TlsReportPolicy"/> for the current report period (RFC 8460 §4.4
/// <c>summary</c> and <c>failure-details</c>): successes, and failures per result type, sending IP, MX host and
/// receiving IP. Recording is in memory (a lock and a few dictionary lookups per session); <see cref="Save"/> writes
/// the counters to <c>{DataPath}/tlsrpt/sessions.json</c> (temp file, fsync, rename), read back at start, so a restart
/// loses at most one save interval. Nothing is recorded while <see cref="TlsReportOptions.Address"/> is empty.
/// </summary>
internal sealed class TlsReportCollector
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly TlsReportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly string _root;
    private Period _period;
    private bool _dirty;

    public TlsReportCollector(IOptions<TlsReportOptions> options, IOptions<MailOptions> mail, TimeProvider time, ILogger<TlsReportCollector> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _root = Path.Combine(mail.Value.FullDataPath, "tlsrpt");
        _period = Load() ?? new Period { Start = StartOfDay(time.GetUtcNow()) };
    }

    /// <summary>True when TLS reporting is configured.</summary>
    public bool Enabled => _options.Address.Length > 0;

    private string FilePath => Path.Combine(_root, "sessions.json");

    /// <summary>Counts a session that negotiated TLS as the policy requires.</summary>
    public void RecordSuccess(TlsReportPolicy policy)
    {
        if (!Enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (Counts(policy) is { } counts)
            {
                counts.Successes++;
            }
        }
    }

    /// <summary>
    /// Counts a failed session: <paramref name="resultType"/> from <see cref="TlsResultType"/>, the IP we sent from,
    /// the MX host and IP, and a short reason (<c>additional-information</c>; never message data).
    /// </summary>
    public void RecordFailure(TlsReportPolicy policy, string resultType, string? sendingIp, string? receivingMx, string? receivingIp, string? reason)
    {
        if (!Enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (Counts(policy) is not { } counts)
            {
                return;
            }
            counts.Failures++;
            var detail = counts.Details.Find(d => d.ResultType == resultType && d.SendingIp == sendingIp && d.ReceivingMx == receivingMx && d.ReceivingIp == receivingIp);
            if (detail is null)
            {
                if (counts.Details.Count >= _options.MaxFailureDetails)
                {
                    TlsReportLog.Limit(_logger, policy.Domain, TlsReportRejectReason.TooManyFailureDetails);
                    return;
                }
                detail = new FailureDetail { ResultType = resultType, SendingIp = sendingIp, ReceivingMx = receivingMx, ReceivingIp = receivingIp, Reason = reason };
                counts.Details.Add(detail);
            }
            detail.Count++;
        }
    }

    /// <summary>
    /// Ends the current period at <paramref name="end"/> and returns its counters (policy domain → policies); a new
    /// period starts at <paramref name="end"/>. The caller sends the reports and then calls <see cref="Save"/>.
    /// </summary>
    public Period Take(DateTimeOffset end)
    {
        lock (_lock)
        {
            var taken = _period;
            taken.End = end;
            _period = new Period { Start = end };
            _dirty = true;
            return taken;
        }
    }

    /// <summary>Start of the current period (UTC).</summary>
    public DateTimeOffset PeriodStart
    {
        get
        {
            lock (_lock)
            {
                return _period.Start;
            }
        }
    }

    /// <summary>Writes the counters when they changed since the last save.</summary>
    /// <exception cref="IOException">The disk refused the file; the previous one is unchanged.</exception>
    public void Save()
    {
        byte[] bytes;
        lock (_lock)
        {
            if (!_dirty)
            {
                return;
            }
            bytes = JsonSerializer.SerializeToUtf8Bytes(_period, Json);
            _dirty = false;
        }
        Directory.CreateDirectory(_root);
        var tmp = Path.Combine(_root, "." + Guid.NewGuid().ToString("N") + ".tmp");
        using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, FilePath, overwrite: true);
        NativeFileSystem.SyncDirectory(_root);
    }

    /// <summary>Midnight UTC of the day of <paramref name="time"/>.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);

    private PolicyCounts? Counts(TlsReportPolicy policy)
    {
        var key = policy.Key;
        if (!_period.Policies.TryGetValue(key, out var counts))
        {
            if (_period.Policies.Count >= _options.MaxPolicies)
            {
                TlsReportLog.Limit(_logger, policy.Domain, TlsReportRejectReason.TooManyPolicies);
                return null;
            }
            _period.Policies[key] = counts = new PolicyCounts { Policy = policy };
        }
        _dirty = true;
        return counts;
    }

    private Period? Load()
    {
        try
        {
            return File.Exists(FilePath) ? JsonSerializer.Deserialize<Period>(File.ReadAllBytes(FilePath), Json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            TlsReportLog.LoadFailed(_logger, FilePath, ex.Message);
            return null;
        }
    }

    /// <summary>The counters of one report period.</summary>
    internal sealed class Period
    {
        public DateTimeOffset Start { get; set; }

        public DateTimeOffset End { get; set; }

        public Dictionary<string, PolicyCounts> Policies { get; set; } = new(StringComparer.Ordinal);
    }

    /// <summary>One policy's <c>summary</c> and <c>failure-details</c>.</summary>
    internal sealed class PolicyCounts
    {
        public required TlsReportPolicy Policy { get; set; }

        public long Successes { get; set; }

        public long Failures { get; set; }

        public List<FailureDetail> Details { get; set; } = [];
    }

    /// <summary>One <c>failure-details</c> entry.</summary>
    internal sealed class FailureDetail
    {
        public required string ResultType { get; set; }

        public string? SendingIp { get; set; }

        public string? ReceivingMx { get; set; }

        public string? ReceivingIp { get; set; }

        public string? Reason { get; set; }

        public long Count { get; set; }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mail.Protocols.Store;

/// <summary>The domain quota (<see cref="IQuotaProvider.GetDomainQuotaOctetsAsync"/>), checked at delivery and APPEND beside the account quota.</summary>
/// <remarks>
/// A domain's usage is the sum of its accounts' used octets: the live counter of every open account, and
/// <c>SUM(size)</c> read from <c>index.db</c> for the others. The sum is cached per domain for
/// <see cref="StoreLimits.DomainUsageCacheSeconds"/>; within that window only the account's own new messages are
/// added to it, so the check is approximate: a domain can go over its quota by what other accounts receive in one window.
/// </remarks>
public sealed partial class MailStore
{
    private readonly ConcurrentDictionary<string, (long Used, long ExpiresTicks)> _domainUsage = new(StringComparer.Ordinal);

    private async ValueTask<bool> DomainHasRoomAsync(string account, long size, CancellationToken cancellationToken)
    {
        var domain = account[(account.LastIndexOf('@') + 1)..];
        var quota = await _context.Quota.GetDomainQuotaOctetsAsync(domain, cancellationToken);
        if (quota <= 0)
        {
            return true;
        }
        var now = _context.Time.GetUtcNow().UtcTicks;
        if (!_domainUsage.TryGetValue(domain, out var usage) || usage.ExpiresTicks <= now)
        {
            usage = (await Task.Run(() => SumDomainUsage(domain), cancellationToken),
                now + TimeSpan.FromSeconds(Math.Max(0, _context.Limits.DomainUsageCacheSeconds)).Ticks);
        }
        if (usage.Used + size > quota)
        {
            _domainUsage[domain] = usage;
            return false;
        }
        // Counted at once, so deliveries within the window see each other (the refresh replaces the estimate).
        _domainUsage[domain] = (usage.Used + size, usage.ExpiresTicks);
        return true;
    }

    /// <inheritdoc />
    public Task<long> GetDomainUsedOctetsAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        return Task.Run(() => SumDomainUsage(domain), cancellationToken);
    }

    private long SumDomainUsage(string domain)
    {
        var domainDirectory = Path.Combine(Root, AccountDirectoryName.Escape(domain));
        if (!System.IO.Directory.Exists(domainDirectory))
        {
            return 0;
        }
        var open = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (account, lazy) in _accounts)
        {
            if (account.EndsWith("@" + domain, StringComparison.Ordinal) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                open[Path.Combine(Root, AccountDirectoryName.RelativePath(account))] = lazy.Value.Result.UsedOctets;
            }
        }
        long total = 0;
        foreach (var accountDirectory in System.IO.Directory.EnumerateDirectories(domainDirectory))
        {
            if (open.TryGetValue(accountDirectory, out var used))
            {
                total += used;
                continue;
            }
            var index = Path.Combine(accountDirectory, "index.db");
            if (!File.Exists(index))
            {
                continue;
            }
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = index, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT IFNULL(SUM(size), 0) FROM messages";
            total += Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return total;
    }
}

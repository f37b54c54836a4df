using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Logging;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// DNS block list lookups of the client address (RFC 5782): the address reversed (IPv4 octets,
/// IPv6 nibbles) under each list's zone, type A; an answer in 127.0.0.0/8 means listed. Lists are
/// queried in parallel. A lookup that fails or times out counts as not listed (logged): a broken
/// list must not stop mail.
/// </summary>
public sealed class DnsblChecker
{
    private readonly DnsblOptions _options;
    private readonly LookupClient? _client;
    private readonly ILogger _logger;

    public DnsblChecker(DnsblOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.Lists.Count == 0)
        {
            return;
        }
        var lookup = options.Servers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(options.Servers.Select(MailEndpoints.Parse).ToArray());
        lookup.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        lookup.Retries = 1;
        lookup.UseCache = true;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        lookup.UseTcpFallback = true;
        _client = new LookupClient(lookup);
    }

    /// <summary>True when at least one list is configured.</summary>
    public bool Enabled => _client is not null;

    /// <summary>The lists <paramref name="client"/> is listed on, as decisions (list order).</summary>
    public async Task<IReadOnlyList<BlockDecision>> CheckAsync(IPAddress client, CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return [];
        }
        var reversed = Reverse(client);
        var lists = _options.Lists.Where(l => l.Action != CheckAction.Off && l.Zone.Length > 0).ToList();
        var listed = await Task.WhenAll(lists.Select(l => IsListedAsync(reversed + "." + l.Zone.TrimEnd('.'), l.Zone, cancellationToken)));
        var hits = new List<BlockDecision>();
        for (var i = 0; i < lists.Count; i++)
        {
            if (listed[i])
            {
                hits.Add(new BlockDecision(BlockCheck.Dnsbl, lists[i].Action, lists[i].Score, lists[i].Zone));
            }
        }
        return hits;
    }

    private async Task<bool> IsListedAsync(string name, string zone, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _client!.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken);
            if (result.HasError && result.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            {
                FilterLog.DnsblFailed(_logger, zone, result.ErrorMessage);
                return false;
            }
            return result.Answers.ARecords().Any(a => a.Address.GetAddressBytes()[0] == 127);
        }
        catch (DnsResponseException ex)
        {
            FilterLog.DnsblFailed(_logger, zone, ex.Message);
            return false;
        }
    }

    /// <summary><c>2.0.0.192</c> for 192.0.2.2; 32 dot-separated nibbles, lowest first, for IPv6.</summary>
    public static string Reverse(IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes[3]}.{bytes[2]}.{bytes[1]}.{bytes[0]}");
        }
        var text = new StringBuilder(64);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            text.Append(CultureInfo.InvariantCulture, $"{bytes[i] & 0xF:x}.{bytes[i] >> 4:x}.");
        }
        return text.ToString(0, text.Length - 1);
    }
}

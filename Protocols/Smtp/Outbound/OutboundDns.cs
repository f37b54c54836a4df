using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>What an MX lookup found (RFC 5321 §5.1).</summary>
internal enum MxOutcome
{
    /// <summary>Hosts to try, in preference order (the domain itself when it has no MX: implicit MX).</summary>
    Hosts,
    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail, fail with <c>5.1.10</c>.</summary>
    NullMx,
    /// <summary>NXDOMAIN: fail with <c>5.1.2</c>.</summary>
    NoSuchDomain,
    /// <summary>Timeout or SERVFAIL: retry later (<c>4.4.3</c>).</summary>
    TemporaryFailure,
}

/// <summary>Result of <see cref="OutboundDns.ResolveMxAsync"/>.</summary>
internal sealed record MxResolution(MxOutcome Outcome, IReadOnlyList<string> Hosts, string Detail);

/// <summary>
/// MX and address lookups for delivery with DnsClient, against <see cref="OutboundOptions.DnsServers"/>
/// (or the system's resolvers). No cache of its own: the resolver's is used.
/// </summary>
internal sealed class OutboundDns
{
    private readonly LookupClient _client;
    private readonly LookupClient _dnssec;

    public OutboundDns(IOptions<OutboundOptions> options)
    {
        var o = options.Value;
        _client = new LookupClient(Options(o, dnssec: false));
        _dnssec = new LookupClient(Options(o, dnssec: true));
    }

    private static LookupClientOptions Options(OutboundOptions o, bool dnssec)
    {
        var servers = o.DnsServers.Select(ParseServer).ToArray();
        var lookup = servers.Length > 0 ? new LookupClientOptions(servers) : new LookupClientOptions();
        lookup.UseCache = servers.Length == 0 && !dnssec;
        lookup.Timeout = TimeSpan.FromSeconds(o.DnsTimeoutSeconds);
        lookup.Retries = 1;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        lookup.ContinueOnEmptyResponse = false;
        // DO bit (RFC 3225): a validating resolver then reports the AD bit (RFC 6840 §5.8).
        lookup.RequestDnsSecRecords = dnssec;
        return lookup;
    }

    /// <summary>
    /// The TXT strings of <paramref name="name"/> (each record's strings joined, RFC 7208 §3.3 style); empty when
    /// there are none or the name does not exist; null on a temporary failure.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ResolveTxtAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
            if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            {
                return null;
            }
            return response.Answers.TxtRecords().Select(t => string.Concat(t.Text)).ToList();
        }
        catch (DnsResponseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The TLSA records of <c>_port._tcp.host</c> (RFC 7672 §2.2) and whether the resolver authenticated them (AD
    /// bit, trusted as Postfix does: the configured resolver must validate and be reached over a trusted path);
    /// null on a temporary failure.
    /// </summary>
    public async Task<(bool Authenticated, IReadOnlyList<Tls.TlsaRecordData> Records)?> ResolveTlsaAsync(string host, int port, CancellationToken cancellationToken)
    {
        var name = $"_{port}._tcp.{host.TrimEnd('.')}";
        try
        {
            var response = await _dnssec.QueryAsync(name, QueryType.TLSA, QueryClass.IN, cancellationToken);
            if (response.HasError)
            {
                return response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain ? (response.Header.IsAuthenticData, []) : null;
            }
            var records = response.Answers.OfType<TlsaRecord>()
                .Select(r => new Tls.TlsaRecordData((byte)r.CertificateUsage, (byte)r.Selector, (byte)r.MatchingType, r.CertificateAssociationData.ToArray()))
                .ToList();
            return (response.Header.IsAuthenticData, records);
        }
        catch (DnsResponseException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when the resolver authenticated (AD bit) the address records of <paramref name="host"/>, A first then
    /// AAAA: the host lives in a DNSSEC-signed zone (RFC 7672 §2.2.1); false when not, or on any failure.
    /// </summary>
    public async Task<bool> IsAuthenticatedAsync(string host, CancellationToken cancellationToken)
    {
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            try
            {
                var response = await _dnssec.QueryAsync(host, type, QueryClass.IN, cancellationToken);
                if (!response.HasError && response.Answers.Count > 0)
                {
                    return response.Header.IsAuthenticData;
                }
            }
            catch (DnsResponseException)
            {
                // Try the other family.
            }
        }
        return false;
    }

    /// <summary>
    /// The mail exchangers of <paramref name="domain"/>: sorted by preference (RFC 5321 §5.1, ties in
    /// random order), the domain itself when there is no MX record, or a null MX / NXDOMAIN / temporary failure.
    /// </summary>
    public async Task<MxResolution> ResolveMxAsync(string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(domain, QueryType.MX, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException ex)
        {
            return new(MxOutcome.TemporaryFailure, [], ex.Message);
        }
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
        {
            return new(MxOutcome.NoSuchDomain, [], $"Host or domain name not found. Name service error for name={domain} type=MX: Host not found");
        }
        if (response.HasError)
        {
            return new(MxOutcome.TemporaryFailure, [], $"DNS lookup of MX for {domain} failed: {response.ErrorMessage}");
        }
        var records = response.Answers.MxRecords().ToList();
        if (records.Count == 0)
        {
            return new(MxOutcome.Hosts, [domain], "implicit MX");
        }
        // RFC 7505 §3: a single MX with preference 0 and exchange "." means "no mail".
        if (records.Count == 1 && records[0].Exchange.Value.TrimEnd('.').Length == 0)
        {
            return new(MxOutcome.NullMx, [], $"Domain {domain} does not accept mail (nullMX)");
        }
        var hosts = records
            .Where(r => r.Exchange.Value.TrimEnd('.').Length > 0)
            .OrderBy(r => r.Preference)
            .ThenBy(_ => Random.Shared.Next())
            .Select(r => r.Exchange.Value.TrimEnd('.'))
            .ToList();
        return new(MxOutcome.Hosts, hosts, "MX");
    }

    /// <summary>IPv4 then IPv6 addresses of <paramref name="host"/> (an address literal is returned as is); empty when none.</summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }
        var result = new List<IPAddress>();
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            try
            {
                var response = await _client.QueryAsync(host, type, QueryClass.IN, cancellationToken);
                result.AddRange(response.Answers.OfType<AddressRecord>().Select(a => a.Address));
            }
            catch (DnsResponseException)
            {
                // Try the other family; no address at all is reported by the caller.
            }
        }
        return result;
    }

    private static NameServer ParseServer(string text)
    {
        if (IPAddress.TryParse(text, out var bare))
        {
            return new NameServer(bare);
        }
        var endPoint = IPEndPoint.Parse(text);
        return new NameServer(endPoint);
    }

}

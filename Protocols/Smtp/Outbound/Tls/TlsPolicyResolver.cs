using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>
/// Chooses the <see cref="OutboundTlsPolicy"/> of each next hop, strongest rule first:
/// <list type="number">
/// <item>DANE (RFC 7672): the MX host has TLSA records the resolver authenticated (AD bit) with a usable usage (2 or
/// 3), selector (0, 1) and matching type (0-2): they decide, even over MTA-STS (RFC 8461 §2).</item>
/// <item>MTA-STS enforce (RFC 8461 §5): an MX host not matching the policy's <c>mx</c> is not used at all
/// (refusal <c>MTA-STS: ...</c>); a matching one needs a PKIX-valid certificate. In testing mode failures are only logged.</item>
/// <item>REQUIRETLS on the message (RFC 8689 §4.2): a PKIX-valid certificate.</item>
/// <item>Otherwise opportunistic STARTTLS.</item>
/// </list>
/// </summary>
internal sealed class TlsPolicyResolver(OutboundDns dns, MtaStsResolver mtaSts, IOptions<OutboundOptions> options, ILogger<TlsPolicyResolver> logger)
{
    private readonly OutboundOptions _options = options.Value;

    /// <summary>The recipient domain's MTA-STS policy, or null (none, or MTA-STS off).</summary>
    public async Task<MtaStsPolicy?> DomainPolicyAsync(string domain, CancellationToken cancellationToken) =>
        _options.MtaSts ? await mtaSts.GetAsync(domain, cancellationToken) : null;

    /// <summary>
    /// The policy for <paramref name="host"/> (an MX of <paramref name="domain"/> when <paramref name="mx"/>), or null,
    /// the reason it must not be used and the RFC 8460 §4.3 result type to count for it. DANE and MTA-STS apply to MX
    /// hosts, not to configured routes:
    /// <list type="bullet">
    /// <item>authenticated TLSA records, none usable (usage 0/1, unknown selector or matching type): mandatory
    /// unauthenticated TLS (RFC 7672 §2.2), every session counted as <c>tlsa-invalid</c>;</item>
    /// <item>the TLSA lookup failed (SERVFAIL, timeout: what a validating resolver answers for bogus data) while the
    /// host's address is DNSSEC-signed: the host is not used (RFC 7672 §2.2.1), <c>dnssec-invalid</c>;</item>
    /// <item>a domain of <see cref="OutboundOptions.DaneRequiredDomains"/> whose host has no usable authenticated TLSA
    /// record: not used (RFC 7672 §6), <c>dane-required</c>;</item>
    /// <item>an MX host not in an enforced MTA-STS policy: not used, <c>validation-failure</c>.</item>
    /// </list>
    /// </summary>
    public async Task<(OutboundTlsPolicy? Policy, string? Refusal, string? RefusalType)> ForHostAsync(
        OutboundQueueEntry entry, string domain, string host, int port, bool mx, MtaStsPolicy? sts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var daneRequired = mx && _options.DaneRequiredDomains.Contains(domain.TrimEnd('.'), StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<TlsaRecordData> unusable = [];
        if ((_options.Dane || daneRequired) && mx && !System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            var tlsa = await dns.ResolveTlsaAsync(host, port, cancellationToken);
            if (tlsa is { Authenticated: true } found)
            {
                var usable = found.Records.Where(r => r.Usage is 2 or 3 && r.Selector is 0 or 1 && r.MatchingType is 0 or 1 or 2).ToList();
                if (usable.Count > 0)
                {
                    MtaStsLog.Dane(logger, host, usable.Count);
                    return (new OutboundTlsPolicy(TlsRequirement.Dane, host, usable, "DANE"), null, null);
                }
                unusable = found.Records;
            }
            else if (tlsa is null && await dns.IsAuthenticatedAsync(host, cancellationToken))
            {
                return (null, $"DANE: TLSA lookup for _{port}._tcp.{host} failed (DNSSEC-signed host)", TlsReporting.TlsResultType.DnssecInvalid);
            }
        }
        if (daneRequired)
        {
            return (null, $"DANE: required for {domain}, {host} has no usable DNSSEC-validated TLSA record", TlsReporting.TlsResultType.DaneRequired);
        }
        if (sts is { Enforce: true } && !sts.Matches(host))
        {
            return (null, $"MTA-STS: {host} is not an mx of the policy", TlsReporting.TlsResultType.ValidationFailure);
        }
        if (sts is { Mode: "testing" } && !sts.Matches(host))
        {
            MtaStsLog.TestingFailure(logger, "policy", host, "not an mx of the policy");
        }
        if (sts is { Enforce: true })
        {
            return (new OutboundTlsPolicy(TlsRequirement.Pkix, host, [], "MTA-STS"), null, null);
        }
        if (entry.RequireTls)
        {
            return (new OutboundTlsPolicy(TlsRequirement.Pkix, host, [], "REQUIRETLS"), null, null);
        }
        if (unusable.Count > 0)
        {
            MtaStsLog.DaneUnusable(logger, host, unusable.Count);
            return (new OutboundTlsPolicy(TlsRequirement.Encrypted, host, unusable, "DANE", TlsReporting.TlsResultType.TlsaInvalid), null, null);
        }
        return (OutboundTlsPolicy.Opportunistic(host), null, null);
    }
}

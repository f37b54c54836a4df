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
    /// The policy for <paramref name="host"/>, or null and the reason it must not be used. DANE and MTA-STS apply to
    /// MX hosts (<paramref name="mx"/>), not to configured routes.
    /// </summary>
    public async Task<(OutboundTlsPolicy? Policy, string? Refusal)> ForHostAsync(OutboundQueueEntry entry, string host, int port, bool mx, MtaStsPolicy? sts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_options.Dane && mx && !System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            var tlsa = await dns.ResolveTlsaAsync(host, port, cancellationToken);
            if (tlsa is { Authenticated: true } found)
            {
                var usable = found.Records.Where(r => r.Usage is 2 or 3 && r.Selector is 0 or 1 && r.MatchingType is 0 or 1 or 2).ToList();
                if (usable.Count > 0)
                {
                    MtaStsLog.Dane(logger, host, usable.Count);
                    return (new OutboundTlsPolicy(TlsRequirement.Dane, host, usable, "DANE"), null);
                }
            }
        }
        if (sts is { Enforce: true } && !sts.Matches(host))
        {
            return (null, $"MTA-STS: {host} is not an mx of the policy");
        }
        if (sts is { Mode: "testing" } && !sts.Matches(host))
        {
            MtaStsLog.TestingFailure(logger, "policy", host, "not an mx of the policy");
        }
        if (sts is { Enforce: true })
        {
            return (new OutboundTlsPolicy(TlsRequirement.Pkix, host, [], "MTA-STS"), null);
        }
        if (entry.RequireTls)
        {
            return (new OutboundTlsPolicy(TlsRequirement.Pkix, host, [], "REQUIRETLS"), null);
        }
        return (OutboundTlsPolicy.Opportunistic(host), null);
    }
}

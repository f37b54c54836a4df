using System.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Spf;
using Mail.Shared.Hosting;

namespace Mail.Protocols.Filtering.Block;

/// <summary>
/// SPF (RFC 7208) of the MAIL FROM identity (the HELO identity for the null sender, §2.3), with
/// ARSoft.Tools.Net's <see cref="SpfValidator"/> (its DNS lookup limit of 10, §4.6.4). The result is
/// always reported as <c>spf=RESULT smtp.mailfrom=...</c> (RFC 8601 §2.7.2); fail, softfail,
/// temperror and permerror act per <see cref="SpfOptions"/>.
/// </summary>
public sealed class SpfChecker : IDisposable
{
    private readonly SpfOptions _options;
    private readonly DnsStubResolver? _resolver;

    public SpfChecker(SpfOptions options)
    {
        _options = options;
        if (!options.Enabled)
        {
            return;
        }
        var timeout = (int)(options.TimeoutSeconds * 1000);
        if (options.Servers.Count == 0)
        {
            _resolver = new DnsStubResolver();
            return;
        }
        var endpoints = options.Servers.Select(MailEndpoints.Parse).ToList();
        var port = endpoints[0].Port;
        var client = new ARSoft.Tools.Net.Dns.DnsClient(endpoints.Select(e => e.Address), [new UdpClientTransport(port), new TcpClientTransport(port)], true, timeout);
        _resolver = new DnsStubResolver(client);
    }

    /// <summary>True when SPF is checked.</summary>
    public bool Enabled => _resolver is not null;

    /// <summary>Evaluates SPF for <paramref name="client"/>; the decision always carries the Authentication-Results entry.</summary>
    public async Task<BlockDecision> CheckAsync(IPAddress client, string? helo, string sender, CancellationToken cancellationToken)
    {
        var identity = sender.Length > 0 ? sender : "postmaster@" + (helo ?? "");
        var domain = identity[(identity.LastIndexOf('@') + 1)..];
        var ptype = sender.Length > 0 ? "smtp.mailfrom=" + FilterHeaders.Token(sender) : "smtp.helo=" + FilterHeaders.Token(helo ?? "");
        string result;
        if (domain.Length == 0 || !HostSyntax.IsFullyQualified(domain) || domain.StartsWith('['))
        {
            result = "none";
        }
        else
        {
            var validator = new SpfValidator { DnsResolver = _resolver!, HeloDomain = ARSoft.Tools.Net.DomainName.Parse(HostSyntax.IsDomainOrLiteral(helo ?? "") && !(helo ?? "").StartsWith('[') ? helo! : "unknown") };
            try
            {
                var evaluation = await validator.CheckHostAsync(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client, domain, identity, false, cancellationToken);
                result = evaluation.Result.ToString().ToLowerInvariant();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // ARSoft throws on malformed names and transport errors: a temporary error for the sender.
                result = "temperror";
            }
        }
        var rule = result switch
        {
            "fail" => _options.Fail,
            "softfail" => _options.SoftFail,
            "temperror" => _options.TempError,
            "permerror" => _options.PermError,
            _ => null,
        };
        return new BlockDecision(BlockCheck.Spf, rule?.Action ?? CheckAction.Off, rule?.Score ?? 0, result)
        {
            AuthenticationResult = $"spf={result} {ptype}",
        };
    }

    /// <summary>Releases the resolver's transports.</summary>
    public void Dispose() => ((IDisposable?)_resolver)?.Dispose();
}

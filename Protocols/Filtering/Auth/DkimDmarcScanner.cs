using System.Diagnostics;
using MimeKit;
using MimeKit.Cryptography;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering.Auth;

/// <summary>
/// DKIM verification (RFC 6376, MimeKit's <see cref="DkimVerifier"/>), ARC validation (RFC 8617,
/// <see cref="ArcVerifier"/>) and DMARC evaluation
/// (RFC 7489, DKIM alignment only: SPF is not evaluated yet) as a scanner named <c>auth</c>.
/// Contributes <c>dkim=</c> (one per signature: pass, fail, neutral, temperror, permerror; or none),
/// <c>arc=</c> (RFC 8617 chain validation: pass, fail, none, temperror) and <c>dmarc=</c> (pass, fail, none, temperror) to <c>Authentication-Results</c> (RFC 8601), and
/// <see cref="AuthOptions.DmarcFailScore"/> points when DMARC fails under a quarantine/reject policy.
/// </summary>
/// <remarks>
/// Parsing is bounded: MimeKit's parser is linear, only the first <see cref="AuthOptions.MaxSignatures"/>
/// signatures are checked, and the whole check runs under the pipeline's timeout
/// (<see cref="AuthOptions.CheckTimeoutSeconds"/>). DNS failures are results (temperror), not scanner failures.
/// </remarks>
public sealed class DkimDmarcScanner : IMessageScanner
{
    /// <summary>The scanner name.</summary>
    public const string ScannerName = "auth";

    private readonly AuthOptions _options;
    private readonly DnsTxtResolver? _dns;
    private readonly DkimVerifier? _verifier;
    private readonly ArcVerifier? _arc;

    public DkimDmarcScanner(IOptions<FilterOptions> options)
    {
        _options = options.Value.Auth;
        if (_options.Enabled)
        {
            _dns = new DnsTxtResolver(_options.Servers, _options.TimeoutSeconds);
            var locator = new DnsDkimPublicKeyLocator(_dns);
            _verifier = new DkimVerifier(locator);
            _arc = new ArcVerifier(locator);
        }
    }

    /// <inheritdoc />
    public string Name => ScannerName;

    /// <inheritdoc />
    public bool Enabled => _verifier is not null;

    /// <inheritdoc />
    public TimeSpan Timeout => TimeSpan.FromSeconds(_options.CheckTimeoutSeconds);

    /// <inheritdoc />
    public FilterFailurePolicy? FailurePolicy => null;

    /// <inheritdoc />
    public async Task<ScanResult> ScanAsync(ScanMessage message, CancellationToken cancellationToken)
    {
        var verifier = _verifier ?? throw new InvalidOperationException("DKIM verification is not enabled.");
        var watch = Stopwatch.StartNew();
        MimeMessage parsed;
        await using (var stream = message.OpenRead())
        {
            parsed = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        var results = new List<string>();
        var passedDomains = new List<string>();
        var signatures = parsed.Headers.Where(h => h.Id == HeaderId.DkimSignature).Take(_options.MaxSignatures).ToList();
        foreach (var signature in signatures)
        {
            var tags = Tags(signature.Value);
            var domain = tags.GetValueOrDefault("d", "");
            var selector = tags.GetValueOrDefault("s", "");
            string result;
            try
            {
                result = await verifier.VerifyAsync(parsed, signature, cancellationToken) ? "pass" : "fail";
            }
            catch (DnsLookupException)
            {
                result = "temperror";
            }
            catch (KeyNotFoundException)
            {
                result = "permerror";
            }
            catch (FormatException)
            {
                result = "permerror";
            }
            catch (NotSupportedException)
            {
                // e.g. rsa-sha1, disabled by MimeKit (RFC 8301).
                result = "neutral";
            }
            if (result == "pass")
            {
                passedDomains.Add(domain.ToLowerInvariant());
            }
            results.Add($"dkim={result} header.d={FilterHeaders.Token(domain)} header.s={FilterHeaders.Token(selector)}");
        }
        if (signatures.Count == 0)
        {
            results.Add("dkim=none");
        }

        results.Add("arc=" + await ArcAsync(parsed, cancellationToken));

        double? score = null;
        var fromDomain = parsed.From.Mailboxes.Select(m => m.Domain).FirstOrDefault()?.ToLowerInvariant();
        if (string.IsNullOrEmpty(fromDomain))
        {
            results.Add("dmarc=none");
        }
        else
        {
            var (dmarc, policy) = await DmarcAsync(fromDomain, passedDomains, cancellationToken);
            results.Add($"dmarc={dmarc} header.from={FilterHeaders.Token(fromDomain)}" + (policy is null ? "" : $" policy.dmarc={policy}"));
            if (dmarc == "fail" && policy is "quarantine" or "reject")
            {
                score = _options.DmarcFailScore;
            }
        }
        return new ScanResult(Name, score is null ? ScanOutcome.Clean : ScanOutcome.Spam, score, null, score is null ? [] : ["DMARC_FAIL"], null, watch.Elapsed)
        {
            AuthenticationResults = results,
        };
    }

    /// <summary>ARC chain validation (RFC 8617 §5.2): none without ARC-Seal fields, else pass or fail; DNS failures give temperror.</summary>
    private async Task<string> ArcAsync(MimeMessage parsed, CancellationToken cancellationToken)
    {
        if (!parsed.Headers.Contains(HeaderId.ArcSeal))
        {
            return "none";
        }
        try
        {
            var result = await _arc!.VerifyAsync(parsed, cancellationToken);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => "pass",
                ArcSignatureValidationResult.Fail => "fail",
                _ => "none",
            };
        }
        catch (DnsLookupException)
        {
            return "temperror";
        }
        catch (Exception ex) when (ex is KeyNotFoundException or FormatException or NotSupportedException)
        {
            return "fail";
        }
    }

    /// <summary>
    /// DMARC with DKIM alignment (RFC 7489 §3.1.1, relaxed mode: the signing domain equals the From
    /// domain or one is a subdomain of the other; the organizational domain is approximated by the
    /// last two labels, as no public suffix list is available offline). Policy from <c>_dmarc.DOMAIN</c>,
    /// else from <c>_dmarc.ORGDOMAIN</c>.
    /// </summary>
    private async Task<(string Result, string? Policy)> DmarcAsync(string fromDomain, List<string> passedDomains, CancellationToken cancellationToken)
    {
        string? record;
        try
        {
            record = await PolicyRecordAsync(fromDomain, cancellationToken);
            var organization = Organizational(fromDomain);
            if (record is null && organization != fromDomain)
            {
                record = await PolicyRecordAsync(organization, cancellationToken);
            }
        }
        catch (DnsLookupException)
        {
            return ("temperror", null);
        }
        if (record is null)
        {
            return ("none", null);
        }
        var tags = Tags(record);
        var policy = tags.GetValueOrDefault("p", "none").ToLowerInvariant();
        var strict = tags.GetValueOrDefault("adkim", "r").Equals("s", StringComparison.OrdinalIgnoreCase);
        var aligned = passedDomains.Any(d => strict ? d == fromDomain : Organizational(d) == Organizational(fromDomain));
        return (aligned ? "pass" : "fail", policy);
    }

    private async Task<string?> PolicyRecordAsync(string domain, CancellationToken cancellationToken)
    {
        var records = await _dns!.TxtAsync("_dmarc." + domain, cancellationToken);
        return records.FirstOrDefault(r => r.TrimStart().StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase));
    }

    private static string Organizational(string domain)
    {
        var labels = domain.TrimEnd('.').Split('.');
        return labels.Length <= 2 ? domain : string.Join('.', labels[^2..]);
    }

    /// <summary>tag=value; pairs (RFC 6376 §3.2), whitespace removed, first occurrence wins.</summary>
    private static Dictionary<string, string> Tags(string value)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in value.Split(';'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                tags.TryAdd(pair[..eq].Trim(), string.Concat(pair[(eq + 1)..].Where(c => !char.IsWhiteSpace(c))));
            }
        }
        return tags;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound.Tls;

/// <summary>
/// Checks a next hop's certificate against its <see cref="OutboundTlsPolicy"/>:
/// <list type="bullet">
/// <item>PKIX: a chain to the system roots or to <see cref="OutboundOptions.TrustedRootCertificates"/> (revocation not
/// checked, as MTAs do) and the host name in the certificate (RFC 6125, wildcards in the left-most label).</item>
/// <item>DANE (RFC 7672 §3.1): a DANE-EE(3) record matching the leaf certificate or its SubjectPublicKeyInfo (no name or
/// expiry check, §3.1.1), or a DANE-TA(2) record matching a certificate the server sent, which then anchors the chain
/// and the host name is checked (§3.2.2).</item>
/// </list>
/// </summary>
internal sealed class CertificateVerifier
{
    private readonly X509Certificate2Collection _roots = [];
    private readonly TimeProvider _time;

    public CertificateVerifier(IOptions<OutboundOptions> options, TimeProvider time)
    {
        _time = time;
        foreach (var path in options.Value.TrustedRootCertificates)
        {
            _roots.ImportFromPemFile(path);
        }
    }

    /// <summary>True when <paramref name="certificate"/> satisfies <paramref name="policy"/>; else <paramref name="error"/> says why.</summary>
    public bool Verify(OutboundTlsPolicy policy, X509Certificate? certificate, X509Chain? chain, out string error)
    {
        error = "";
        if (policy.Requirement is TlsRequirement.Opportunistic or TlsRequirement.Encrypted)
        {
            return true;
        }
        if (certificate is null)
        {
            error = "no server certificate";
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        var presented = Presented(leaf, chain);
        try
        {
            return policy.Requirement == TlsRequirement.Dane
                ? VerifyDane(policy, leaf, presented, out error)
                : VerifyPkix(leaf, presented, policy.HostName, null, out error);
        }
        finally
        {
            foreach (var extra in presented)
            {
                extra.Dispose();
            }
        }
    }

    /// <summary>Certificates the server sent besides the leaf (SslStream puts them in the chain's extra store).</summary>
    private static List<X509Certificate2> Presented(X509Certificate2 leaf, X509Chain? chain)
    {
        var result = new List<X509Certificate2>();
        if (chain is null)
        {
            return result;
        }
        foreach (var cert in chain.ChainPolicy.ExtraStore)
        {
            result.Add(new X509Certificate2(cert));
        }
        foreach (var element in chain.ChainElements)
        {
            if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            {
                result.Add(new X509Certificate2(element.Certificate));
            }
        }
        return result;
    }

    private bool VerifyPkix(X509Certificate2 leaf, List<X509Certificate2> presented, string hostName, X509Certificate2? anchor, out string error)
    {
        error = "";
        if (!leaf.MatchesHostname(hostName, allowWildcards: true, allowCommonName: false))
        {
            error = $"certificate does not name {hostName}";
            return false;
        }
        // The system roots first; then our configured roots, or the DANE-TA anchor, as the only trust.
        if (anchor is null && BuildChain(leaf, presented, null))
        {
            return true;
        }
        var custom = anchor is null ? _roots : [anchor];
        if (custom.Count > 0 && BuildChain(leaf, presented, custom))
        {
            return true;
        }
        var now = _time.GetUtcNow().UtcDateTime;
        error = leaf.NotAfter.ToUniversalTime() < now ? "certificate expired"
            : leaf.NotBefore.ToUniversalTime() > now ? "certificate not yet valid"
            : anchor is null ? "certificate chain not trusted" : "certificate does not chain to the DANE-TA trust anchor";
        return false;
    }

    private static bool BuildChain(X509Certificate2 leaf, List<X509Certificate2> presented, X509Certificate2Collection? trust)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(presented.ToArray());
        if (trust is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        }
        try
        {
            if (chain.Build(leaf))
            {
                return true;
            }
            // A DANE-TA anchor need not be self-signed (RFC 7672 §3.1.2): the chain then ends at it "partially". It is
            // accepted when the anchor is in the chain and nothing but the missing root is wrong (signatures, validity).
            return trust is { Count: 1 } && !IsSelfSigned(trust[0])
                && chain.ChainElements.Any(e => e.Certificate.RawDataMemory.Span.SequenceEqual(trust[0].RawDataMemory.Span))
                && chain.ChainElements.All(e => e.ChainElementStatus.All(s => s.Status is X509ChainStatusFlags.NoError or X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot));
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private static bool IsSelfSigned(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private bool VerifyDane(OutboundTlsPolicy policy, X509Certificate2 leaf, List<X509Certificate2> presented, out string error)
    {
        string? chainError = null;
        foreach (var record in policy.Tlsa.Where(r => r.Usage == 3))
        {
            if (Matches(record, leaf))
            {
                error = "";
                return true;
            }
        }
        foreach (var record in policy.Tlsa.Where(r => r.Usage == 2))
        {
            foreach (var candidate in presented.Append(leaf))
            {
                if (Matches(record, candidate))
                {
                    if (VerifyPkix(leaf, presented, policy.HostName, candidate, out error))
                    {
                        return true;
                    }
                    chainError = error;
                }
            }
        }
        error = chainError ?? "no TLSA record matches the server certificate";
        return false;
    }

    /// <summary>RFC 6698 §2.1.2-2.1.3: the selected part of <paramref name="certificate"/>, hashed per the matching type, equals the data.</summary>
    internal static bool Matches(TlsaRecordData record, X509Certificate2 certificate)
    {
        byte[] selected = record.Selector switch
        {
            0 => certificate.RawData,
            1 => certificate.PublicKey.ExportSubjectPublicKeyInfo(),
            _ => [],
        };
        if (selected.Length == 0)
        {
            return false;
        }
        byte[] value = record.MatchingType switch
        {
            0 => selected,
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => [],
        };
        return value.Length > 0 && CryptographicOperations.FixedTimeEquals(value, record.Data);
    }
}

using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Mail.Protocols.Filtering.Auth;

/// <summary>Finds DKIM public keys in DNS: the TXT record at <c>selector._domainkey.domain</c> (RFC 6376 §3.6.2).</summary>
internal sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private readonly DnsTxtResolver _dns;

    public DnsDkimPublicKeyLocator(DnsTxtResolver dns) => _dns = dns;

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    /// <exception cref="DnsLookupException">Temporary lookup failure.</exception>
    /// <exception cref="KeyNotFoundException">No key record: a permanent failure.</exception>
    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var records = await _dns.TxtAsync(selector + "._domainkey." + domain, cancellationToken);
        var record = records.FirstOrDefault(r => r.Contains("p=", StringComparison.Ordinal))
            ?? throw new KeyNotFoundException($"no DKIM key at {selector}._domainkey.{domain}");
        return GetPublicKey(record);
    }
}

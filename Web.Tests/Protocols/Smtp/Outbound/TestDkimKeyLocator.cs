using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>Looks DKIM public keys up in a fixed map of TXT records (what DNS would publish).</summary>
internal sealed class TestDkimKeyLocator(Dictionary<string, string> records) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey(records[$"{selector}._domainkey.{domain}"]);

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}

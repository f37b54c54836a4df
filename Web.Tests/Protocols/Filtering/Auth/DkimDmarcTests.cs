using System.Text;
using Mail.Web.Tests.Protocols.Filtering.Block;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Mail.Web.Tests.Protocols.Filtering.Auth;

/// <summary>DKIM verification and DMARC over SMTP, against an in-process DNS server serving test zones.</summary>
public sealed class DkimDmarcTests : IDisposable
{
    private static readonly AsymmetricCipherKeyPair Key = NewKey();
    private readonly TestDnsServer _dns = new();

    public DkimDmarcTests()
    {
        var publicKey = Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Key.Public).GetDerEncoded());
        _dns.Txt["sel._domainkey.signer.test"] = "v=DKIM1; k=rsa; p=" + publicKey;
        _dns.Txt["_dmarc.signer.test"] = "v=DMARC1; p=reject";
    }

    public void Dispose() => _dns.Dispose();

    private Task<FilterSmtpHarness> StartAsync(string? servers = null) => FilterSmtpHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Mail:Filters:Auth:Enabled"] = "true",
        ["Mail:Filters:Auth:Servers:0"] = servers ?? _dns.Endpoint,
        ["Mail:Filters:Auth:TimeoutSeconds"] = "1",
    }, spamd: false, clamd: false);

    private static byte[] Signed(string from, string body, string domain = "signer.test", string selector = "sel")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Subject = "Signed";
        message.Date = new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);
        message.MessageId = Guid.NewGuid().ToString("N") + "@" + domain;
        message.Body = new TextPart("plain") { Text = body };
        var signer = new DkimSigner(Key.Private, domain, selector) { HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed, BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed };
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        using var output = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);
        return output.ToArray();
    }

    private static AsymmetricCipherKeyPair NewKey()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        return generator.GenerateKeyPair();
    }

    private static async Task<string> AuthenticationResultsAsync(FilterSmtpHarness h, string mailbox = "INBOX")
    {
        var header = FilterTestMessages.HeaderOf(Assert.Single(await h.Host.MailboxAsync("alice@example.com", mailbox)));
        var start = header.IndexOf("Authentication-Results: ", StringComparison.Ordinal);
        var end = header.IndexOf("\r\nReceived: ", start, StringComparison.Ordinal);
        return header[start..end].Replace("\r\n\t", " ", StringComparison.Ordinal);
    }

    /// <summary>An intermediary's ARC signer (RFC 8617): it records what it saw in ARC-Authentication-Results.</summary>
    private sealed class TestArcSigner(AsymmetricKeyParameter key) : ArcSigner(key, "forwarder.test", "arc")
    {
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken)
        {
            var results = new AuthenticationResults("forwarder.test");
            results.Results.Add(new AuthenticationMethodResult("dkim", "pass"));
            return results;
        }

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }

    private static byte[] ArcSealed(bool tamperAfterSealing)
    {
        var message = MimeMessage.Load(new MemoryStream(Signed("news@signer.test", "Forwarded")));
        new TestArcSigner(Key.Private).Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date]);
        if (tamperAfterSealing)
        {
            message.Subject = "Changed after sealing";
        }
        using var output = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);
        return output.ToArray();
    }

    [Fact]
    public async Task ArcSealedByForwarder_ArcPass()
    {
        _dns.Txt["arc._domainkey.forwarder.test"] = _dns.Txt["sel._domainkey.signer.test"];
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(ArcSealed(tamperAfterSealing: false))));

        Assert.Contains("; arc=pass;", await AuthenticationResultsAsync(h));
    }

    [Fact]
    public async Task ArcSealedThenChanged_ArcFail()
    {
        _dns.Txt["arc._domainkey.forwarder.test"] = _dns.Txt["sel._domainkey.signer.test"];
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(ArcSealed(tamperAfterSealing: true))));

        var results = await AuthenticationResultsAsync(h, "Junk");
        Assert.Contains("; arc=fail;", results);
        Assert.Contains("dkim=fail", results);
    }

    [Fact]
    public async Task ValidSignature_DkimPass_DmarcPass()
    {
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(Signed("news@signer.test", "Hello"))));

        Assert.Equal("Authentication-Results: mx.test.example; dkim=pass header.d=signer.test header.s=sel; arc=none; dmarc=pass header.from=signer.test policy.dmarc=reject",
            await AuthenticationResultsAsync(h));
    }

    [Fact]
    public async Task BodyChangedAfterSigning_DkimFail_DmarcFailUnderReject_GoesToJunk()
    {
        await using var h = await StartAsync();
        var text = Encoding.ASCII.GetString(Signed("news@signer.test", "Pay 10 EUR"));

        FilterSmtpHarness.QueueId(await h.SendAsync(text.Replace("Pay 10 EUR", "Pay 9999 EUR", StringComparison.Ordinal)));

        Assert.Equal("Authentication-Results: mx.test.example; dkim=fail header.d=signer.test header.s=sel; arc=none; dmarc=fail header.from=signer.test policy.dmarc=reject",
            await AuthenticationResultsAsync(h, "Junk"));
    }

    [Fact]
    public async Task SignedByUnrelatedDomain_DkimPass_DmarcFail()
    {
        _dns.Txt["sel._domainkey.other.test"] = _dns.Txt["sel._domainkey.signer.test"];
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(Signed("ceo@signer.test", "Wire the money", domain: "other.test"))));

        Assert.Contains("dkim=pass header.d=other.test header.s=sel; arc=none; dmarc=fail header.from=signer.test", await AuthenticationResultsAsync(h, "Junk"));
    }

    [Fact]
    public async Task NoSignature_NoPolicy_None()
    {
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.Plain("hello")));

        Assert.Equal("Authentication-Results: mx.test.example; dkim=none; arc=none; dmarc=none header.from=remote.example", await AuthenticationResultsAsync(h));
    }

    [Fact]
    public async Task KeyNotPublished_Permerror()
    {
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(Signed("news@signer.test", "Hello", selector: "gone"))));

        Assert.Contains("dkim=permerror header.d=signer.test header.s=gone", await AuthenticationResultsAsync(h, "Junk"));
    }

    [Fact]
    public async Task DnsFailing_Temperror_MessageStillDelivered()
    {
        _dns.Failing = true;
        await using var h = await StartAsync();

        FilterSmtpHarness.QueueId(await h.SendAsync(FilterTestMessages.ToWire(Signed("news@signer.test", "Hello"))));

        Assert.Equal("Authentication-Results: mx.test.example; dkim=temperror header.d=signer.test header.s=sel; arc=none; dmarc=temperror header.from=signer.test",
            await AuthenticationResultsAsync(h));
    }
}

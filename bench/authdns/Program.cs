using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

// usage: AuthDns PORT DOMAIN OUTDIR FILE...
// Rewrites each FILE's From to bench@DOMAIN, drops its DKIM/ARC headers, signs it (rsa-sha256, relaxed/relaxed,
// d=DOMAIN s=bench) into OUTDIR, then answers DNS on 127.0.0.1:PORT (UDP and TCP) for DOMAIN's SPF
// (v=spf1 ip4:127.0.0.1 -all), DKIM key (bench._domainkey) and DMARC policy (p=reject); NXDOMAIN elsewhere.
// Prints "ready" once signed and serving; runs until stdin closes.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: AuthDns PORT DOMAIN OUTDIR FILE...");
    return 2;
}
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var domain = args[1];
var outDir = args[2];
Directory.CreateDirectory(outDir);

var generator = new RsaKeyPairGenerator();
generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
AsymmetricCipherKeyPair key = generator.GenerateKeyPair();
var publicKey = Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key.Public).GetEncoded());
var signer = new DkimSigner(key.Private, domain, "bench")
{
    HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
    BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
};
var index = 0;
foreach (var file in args.Skip(3))
{
    var message = MimeMessage.Load(file);
    message.From.Clear();
    message.From.Add(new MailboxAddress("Bench", "bench@" + domain));
    foreach (var name in new[] { "DKIM-Signature", "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "Authentication-Results" })
    {
        message.Headers.RemoveAll(name);
    }
    message.MessageId ??= MimeKit.Utils.MimeUtils.GenerateMessageId(domain);
    message.Prepare(EncodingConstraint.SevenBit);
    var headers = new List<HeaderId> { HeaderId.From, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.To };
    headers.RemoveAll(h => !message.Headers.Contains(h) && h != HeaderId.From);
    signer.Sign(message, headers);
    using var output = File.Create(Path.Combine(outDir, $"{index++:D4}.eml"));
    message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);
}

var zone = DomainName.Parse(domain);
var txt = new Dictionary<DomainName, string>
{
    [zone] = "v=spf1 ip4:127.0.0.1 -all",
    [DomainName.Parse("bench._domainkey." + domain)] = "v=DKIM1; k=rsa; p=" + publicKey,
    [DomainName.Parse("_dmarc." + domain)] = "v=DMARC1; p=reject; adkim=s; aspf=s",
};
using var server = new DnsServer(
    new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, port)),
    new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, port)));
server.QueryReceived += (_, e) =>
{
    if (e.Query is DnsMessage query)
    {
        var response = query.CreateResponseInstance();
        response.IsAuthoritiveAnswer = true;
        response.ReturnCode = ReturnCode.NoError;
        foreach (var question in query.Questions)
        {
            if (txt.TryGetValue(question.Name, out var text))
            {
                if (question.RecordType == RecordType.Txt)
                {
                    var parts = Enumerable.Range(0, (text.Length + 254) / 255).Select(i => text.Substring(i * 255, Math.Min(255, text.Length - i * 255)));
                    response.AnswerRecords.Add(new TxtRecord(question.Name, 60, parts));
                }
            }
            else if (!question.Name.IsEqualOrSubDomainOf(zone) || !txt.Keys.Any(k => k.IsEqualOrSubDomainOf(question.Name)))
            {
                response.ReturnCode = ReturnCode.NxDomain;
            }
        }
        e.Response = response;
    }
    return Task.CompletedTask;
};
server.Start();
Console.WriteLine("ready");
Console.Out.Flush();
await Console.In.ReadToEndAsync();
server.Stop();
return 0;

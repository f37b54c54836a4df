using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// A throw-away PKI for TLS delivery tests: a root CA, an intermediate CA and leaf certificates for given DNS
/// names signed by the intermediate (the server sends leaf + intermediate); <see cref="RootPemPath"/> is the root as
/// a PEM file for <c>Mail:Outbound:TrustedRootCertificates</c>. <see cref="SelfSigned"/> makes a certificate no root vouches for.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mail-pki-" + Guid.NewGuid().ToString("N"));

    public TestPki()
    {
        Directory.CreateDirectory(_dir);
        var now = DateTimeOffset.UtcNow;
        using (var rootKey = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Test Root CA", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Root = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        }
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Test Intermediate CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var issued = request.Create(Root, now.AddDays(-1), now.AddMonths(6), RandomNumberGenerator.GetBytes(8));
            Intermediate = issued.CopyWithPrivateKey(key);
        }
        RootPemPath = Path.Combine(_dir, "root.pem");
        File.WriteAllText(RootPemPath, Root.ExportCertificatePem());
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public string RootPemPath { get; }

    /// <summary>A server certificate for <paramref name="names"/>, signed by the intermediate, with its private key.</summary>
    public X509Certificate2 Leaf(params string[] names) => Issue(Intermediate, names);

    /// <summary>A self-signed server certificate for <paramref name="names"/>: valid for DANE-EE, not for PKIX.</summary>
    public static X509Certificate2 SelfSigned(params string[] names)
    {
        using var key = RSA.Create(2048);
        var request = Request(key, names);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return Reload(cert);
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string[] names)
    {
        using var key = RSA.Create(2048);
        var request = Request(key, names);
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    private static CertificateRequest Request(RSA key, string[] names)
    {
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }

    /// <summary>Through PKCS#12, so SslStream can use the private key on every platform.</summary>
    private static X509Certificate2 Reload(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

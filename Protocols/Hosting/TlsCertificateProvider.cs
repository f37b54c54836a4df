using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Hosting;

/// <summary>
/// The server certificate for STARTTLS/STLS and implicit TLS on every listener. Loads
/// <see cref="TlsOptions.CertificatePath"/> when configured; otherwise generates a self-signed
/// RSA-2048 certificate for <see cref="MailOptions.HostName"/> (valid 5 years) on first run and keeps
/// it in <c>{DataPath}/tls/server.pfx</c>, so restarts and CLI runs reuse the same one.
/// </summary>
public sealed class TlsCertificateProvider
{
    private readonly Lazy<X509Certificate2> _certificate;

    public TlsCertificateProvider(IOptions<MailOptions> options)
    {
        var o = options.Value;
        _certificate = new Lazy<X509Certificate2>(() => Load(o), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The certificate with its private key.</summary>
    /// <exception cref="CryptographicException">The configured file cannot be read.</exception>
    public X509Certificate2 Certificate => _certificate.Value;

    private static X509Certificate2 Load(MailOptions o)
    {
        if (!string.IsNullOrEmpty(o.Tls.CertificatePath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(o.Tls.CertificatePath, o.Tls.CertificatePassword);
        }
        var dir = Path.Combine(o.FullDataPath, "tls");
        var file = Path.Combine(dir, "server.pfx");
        if (File.Exists(file))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
        }
        Directory.CreateDirectory(dir);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={o.HostName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(o.HostName);
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var generated = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var pfx = generated.Export(X509ContentType.Pfx);
        // Write-then-rename so two processes starting at once never read a half-written file.
        var temp = file + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, pfx);
        File.Move(temp, file, overwrite: false);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mail.Protocols.Authentication;

/// <summary>
/// Channel-binding data of a server-side TLS connection for SCRAM-SHA-256-PLUS (RFC 5802 §6, RFC 5056).
/// </summary>
/// <remarks>
/// <para><b>tls-exporter</b> (RFC 9266, the binding for TLS 1.3) needs the TLS keying-material exporter (RFC 5705);
/// .NET 10's <c>SslStream</c> does not expose it (API proposal dotnet/runtime#112529 is still open), so it is
/// not offered.</para>
/// <para><b>tls-unique</b> (RFC 5929 §3) is undefined on TLS 1.3 (RFC 9266 §3), which is what clients negotiate
/// here, so it is not offered either.</para>
/// <para><b>tls-server-end-point</b> (RFC 5929 §4) is offered on every TLS version: the hash of our own certificate,
/// with the certificate's signature hash (SHA-256 when that is MD5 or SHA-1). It binds the exchange to the server
/// certificate the client saw, which defeats a man in the middle that does not hold our key.</para>
/// </remarks>
public sealed class TlsChannelBinding
{
    /// <summary>RFC 5929 §4 binding type name.</summary>
    public const string ServerEndPoint = "tls-server-end-point";

    private readonly byte[] _serverEndPoint;

    /// <param name="certificate">The certificate the server presented on this connection.</param>
    public TlsChannelBinding(X509Certificate2 certificate) => _serverEndPoint = ServerEndPointData(certificate);

    /// <summary>The binding data of <paramref name="type"/>, or null when that type is not offered.</summary>
    public byte[]? Get(string type) => type == ServerEndPoint ? _serverEndPoint : null;

    /// <summary>RFC 5929 §4.1: hash of the DER certificate with its signature's hash function (MD5/SHA-1 → SHA-256).</summary>
    public static byte[] ServerEndPointData(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var algorithm = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        return certificate.GetCertHash(algorithm);
    }
}

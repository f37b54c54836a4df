using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mail.Protocols.Authentication;

/// <summary>
/// Channel-binding data of one server-side TLS connection for SCRAM-SHA-256-PLUS (RFC 5802 §6, RFC 5056), taken when
/// its handshake completed.
/// </summary>
/// <remarks>
/// <para><b>tls-exporter</b> (RFC 9266, the binding for TLS 1.3; what clients use by default on TLS 1.3): 32 octets
/// of exported keying material, obtained from OpenSSL by <see cref="TlsExporter"/> on TLS 1.3 connections on Linux.
/// When it cannot be obtained (another platform, TLS 1.2, any check failing) this connection has no tls-exporter
/// binding and a client asking for it fails like a wrong password.</para>
/// <para><b>tls-server-end-point</b> (RFC 5929 §4) is accepted on every TLS version: the hash of our own certificate,
/// with the certificate's signature hash (SHA-256 when that is MD5 or SHA-1). It binds the exchange to the server
/// certificate the client saw, which defeats a man in the middle that does not hold our key; clients without an
/// exporter (MailKit, .NET) use it.</para>
/// <para><b>tls-unique</b> (RFC 5929 §3) is never accepted: it is undefined on TLS 1.3 (RFC 9266 §3, RFC 8446 §C.5)
/// and broken on TLS 1.2 without extended master secret (the triple handshake attack).</para>
/// <para>SCRAM-SHA-256-PLUS is advertised on every TLS connection (tls-server-end-point is always there); IMAP, POP3
/// and SMTP have no way to advertise binding types, so a client picks one and the server accepts or fails it.</para>
/// </remarks>
public sealed class TlsChannelBinding
{
    /// <summary>RFC 5929 §4 binding type name.</summary>
    public const string ServerEndPoint = "tls-server-end-point";

    /// <summary>RFC 9266 §2 binding type name.</summary>
    public const string Exporter = "tls-exporter";

    /// <summary>RFC 5929 §3 binding type name (never accepted).</summary>
    public const string Unique = "tls-unique";

    private readonly byte[] _serverEndPoint;
    private readonly byte[]? _exporter;

    /// <param name="certificate">The certificate the server presented on this connection.</param>
    /// <param name="exporter">The 32-octet tls-exporter value of the connection, or null when it has none.</param>
    public TlsChannelBinding(X509Certificate2 certificate, byte[]? exporter = null)
        : this(ServerEndPointData(certificate), exporter)
    {
    }

    private TlsChannelBinding(byte[] serverEndPoint, byte[]? exporter)
    {
        if (exporter is not null && exporter.Length != TlsExporter.BindingOctets)
        {
            throw new ArgumentException("A tls-exporter binding is 32 octets.", nameof(exporter));
        }
        _serverEndPoint = serverEndPoint;
        _exporter = exporter;
    }

    /// <summary>True when this connection accepts <c>p=tls-exporter</c>.</summary>
    public bool HasExporter => _exporter is not null;

    /// <summary>
    /// The bindings of a connection whose server handshake just completed on <paramref name="ssl"/> with
    /// <paramref name="certificate"/>; call before the stream is read or written (see <see cref="TlsExporter"/>).
    /// </summary>
    public static TlsChannelBinding Of(SslStream ssl, X509Certificate2 certificate) => new(certificate, TlsExporter.ChannelBinding(ssl));

    /// <summary>The same certificate binding with a connection's tls-exporter value (this instance when that is null).</summary>
    public TlsChannelBinding WithExporter(byte[]? exporter) => exporter is null ? this : new TlsChannelBinding(_serverEndPoint, exporter);

    /// <summary>The binding data of <paramref name="type"/>, or null when that type is not accepted on this connection.</summary>
    public byte[]? Get(string type) => type switch
    {
        ServerEndPoint => _serverEndPoint,
        Exporter => _exporter,
        _ => null,
    };

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

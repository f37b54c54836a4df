using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mail.Protocols.Hosting;

namespace Mail.Web.Webmail;

/// <summary>
/// Certificate check of the webmail's own connections to IMAP and Submission: a certificate is trusted when it
/// validates (chain and name, the system's trust store), or when it is this node's own certificate
/// (<see cref="TlsCertificateProvider"/>, compared by SHA-1 thumbprint). The second case is the all-in-one node, or
/// nodes of one image sharing <c>Mail:Tls:CertificatePath</c>, whose listeners present the self-signed certificate
/// made on first start; its names (host name, <c>localhost</c>, 127.0.0.1) do not cover a listener bound to another
/// address, so without the pin the webmail could not sign anyone in there.
/// </summary>
public sealed class NodeCertificateTrust(IServiceProvider? services)
{
    /// <summary>A <see cref="RemoteCertificateValidationCallback"/> (MailKit's <c>ServerCertificateValidationCallback</c>).</summary>
    /// <returns>True when <paramref name="errors"/> is none, or when <paramref name="certificate"/> is this node's certificate.</returns>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        var own = services?.GetService<TlsCertificateProvider>()?.Certificate;
        return own is not null && certificate is not null
            && certificate.GetCertHashString().Equals(own.GetCertHashString(), StringComparison.OrdinalIgnoreCase);
    }
}

using Mail.Protocols.Authentication;
using SmtpServer;
using SmtpServer.Protocol;

namespace Mail.Protocols.Smtp.Submission;

/// <summary>SmtpServer's command factory with Submission's EHLO.</summary>
internal sealed class SubmissionCommandFactory(SaslAuthenticator authenticator, TlsChannelBinding binding) : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new SubmissionEhloCommand(domainOrAddress, authenticator, binding);

    public override SmtpCommand CreateHelo(string domainOrAddress) => new SmtpInHeloCommand(domainOrAddress);
}

/// <summary>
/// EHLO on Submission (RFC 6409 §4): PIPELINING, SIZE, STARTTLS before TLS, AUTH with the mechanisms of
/// <see cref="SaslAuthenticator.Mechanisms"/> only once TLS is on (RFC 4954 §4, RFC 8314 §3; or on loopback when
/// <see cref="AuthenticationOptions.AllowPlaintextOnLoopback"/>), ENHANCEDSTATUSCODES, 8BITMIME, SMTPUTF8, DSN,
/// REQUIRETLS once TLS is on (RFC 8689).
/// </summary>
internal sealed class SubmissionEhloCommand(string domainOrAddress, SaslAuthenticator authenticator, TlsChannelBinding binding) : EhloCommand(domainOrAddress)
{
    protected override string GetGreeting(ISessionContext context) => context.ServerOptions.ServerName;

    protected override IEnumerable<string> GetExtensions(ISessionContext context)
    {
        yield return "PIPELINING";
        yield return $"SIZE {context.ServerOptions.MaxMessageSizeOptions.Length}";
        var secure = context.Pipe.IsSecure;
        if (!secure && context.EndpointDefinition.CertificateFactory is not null)
        {
            yield return "STARTTLS";
        }
        if (context.Properties.TryGetValue(SmtpInConnection.PropertyKey, out var value) && value is SmtpInConnection connection)
        {
            var sasl = SubmissionCommandHook.SaslConnectionOf(connection, secure, binding);
            if (SubmissionCommandHook.AuthAllowed(authenticator, sasl))
            {
                yield return "AUTH " + string.Join(' ', authenticator.Mechanisms(sasl));
            }
        }
        yield return "ENHANCEDSTATUSCODES";
        yield return "8BITMIME";
        yield return "SMTPUTF8";
        yield return "DSN";
        if (secure)
        {
            // RFC 8689 §4.1: only on a TLS session (MAIL ... REQUIRETLS without TLS gets 530 5.7.10 from the hook).
            yield return "REQUIRETLS";
        }
    }
}

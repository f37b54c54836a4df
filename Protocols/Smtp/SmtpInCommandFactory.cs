using SmtpServer;
using SmtpServer.Protocol;

namespace Mail.Protocols.Smtp;

/// <summary>SmtpServer's command factory with our HELO/EHLO replies.</summary>
internal sealed class SmtpInCommandFactory : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new SmtpInEhloCommand(domainOrAddress);

    public override SmtpCommand CreateHelo(string domainOrAddress) => new SmtpInHeloCommand(domainOrAddress);
}

/// <summary>
/// EHLO (RFC 5321 §4.1.1.1) advertising exactly what SMTP-in implements: PIPELINING (RFC 2920),
/// SIZE (RFC 1870), 8BITMIME (RFC 6152), ENHANCEDSTATUSCODES (RFC 2034), SMTPUTF8 (RFC 6531) and,
/// before TLS, STARTTLS (RFC 3207). No AUTH on the MX.
/// </summary>
internal sealed class SmtpInEhloCommand : EhloCommand
{
    public SmtpInEhloCommand(string domainOrAddress) : base(domainOrAddress)
    {
    }

    protected override string GetGreeting(ISessionContext context) => context.ServerOptions.ServerName;

    protected override IEnumerable<string> GetExtensions(ISessionContext context)
    {
        yield return "PIPELINING";
        yield return $"SIZE {context.ServerOptions.MaxMessageSizeOptions.Length}";
        if (!context.Pipe.IsSecure && context.EndpointDefinition.CertificateFactory is not null)
        {
            yield return "STARTTLS";
        }
        yield return "ENHANCEDSTATUSCODES";
        yield return "8BITMIME";
        yield return "SMTPUTF8";
    }
}

/// <summary>HELO (RFC 5321 §4.1.1.1): a plain greeting.</summary>
internal sealed class SmtpInHeloCommand : HeloCommand
{
    public SmtpInHeloCommand(string domainOrAddress) : base(domainOrAddress)
    {
    }

    protected override string GetGreeting(ISessionContext context) => context.ServerOptions.ServerName;
}

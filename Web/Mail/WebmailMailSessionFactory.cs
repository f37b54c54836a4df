using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Mail.Web.Webmail;

/// <summary>Creates a <see cref="WebmailMailSession"/> for a signed-in principal.</summary>
public sealed class WebmailMailSessionFactory(
    WebmailImapConnector connector,
    WebmailCredentialProtector credentials,
    IOptions<WebmailOptions> options,
    ILogger<WebmailMailSession> logger)
{
    /// <summary>A session for <paramref name="user"/>; the caller disposes it.</summary>
    /// <returns>Null when the principal carries no usable IMAP credentials (not signed in, or keys lost).</returns>
    public WebmailMailSession? Open(ClaimsPrincipal user)
    {
        var creds = credentials.Read(user);
        return creds is null ? null : new WebmailMailSession(creds, connector, options.Value, logger);
    }
}

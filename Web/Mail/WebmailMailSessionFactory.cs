using System.Security.Claims;

namespace Mail.Web.Webmail;

/// <summary>Hands out the pooled <see cref="WebmailMailSession"/> of a signed-in principal (<see cref="WebmailConnectionPool"/>).</summary>
public sealed class WebmailMailSessionFactory(WebmailConnectionPool pool, IHttpContextAccessor httpContext)
{
    /// <summary>
    /// The session of <paramref name="user"/>'s sign-in; the caller disposes it, which hands it back to the pool. The
    /// current request's client address (else the sign-in's) is what IMAP is told when the session has to connect.
    /// </summary>
    /// <returns>Null when the principal carries no usable IMAP credentials (not signed in, or keys lost).</returns>
    public WebmailMailSession? Open(ClaimsPrincipal user) => pool.Lease(user, httpContext.HttpContext?.Connection.RemoteIpAddress);
}

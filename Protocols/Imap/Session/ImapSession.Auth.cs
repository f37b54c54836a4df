using System.Net;
using Mail.Protocols.Authentication;
using Mail.Protocols.Store;
using Mail.Shared.Directory;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    private TlsChannelBinding? _channelBinding;
    private IPAddress? _namedClient;

    /// <summary>The socket peer's address (IPv4-mapped addresses as IPv4); <see cref="IPAddress.None"/> when unknown.</summary>
    public IPAddress PeerAddress => Remote is IPEndPoint ip ? SaslConnection.Plain(ip.Address) : IPAddress.None;

    /// <summary>The connection as the shared authentication code sees it (TLS channel bindings taken at the handshake, client address for failure delays).</summary>
    internal SaslConnection SaslConnection =>
        SaslConnection.Create(PeerAddress, IsTls ? _channelBinding : null, _namedClient);

    /// <summary>
    /// Whether LOGIN and AUTHENTICATE PLAIN/LOGIN may be used now: with TLS, or from loopback when
    /// <see cref="AuthenticationOptions.AllowPlaintextOnLoopback"/> (RFC 9051 §6.2.3 LOGINDISABLED).
    /// </summary>
    public bool PlaintextAuthAllowed => Server.Authenticator.PlaintextAllowed(SaslConnection);

    /// <summary>The not-authenticated capabilities for authentication: <c>AUTH=</c> per offered mechanism (RFC 9051 §7.2.2), plus LOGINDISABLED without plaintext.</summary>
    private string AuthCapabilities()
    {
        var connection = SaslConnection;
        var caps = "";
        foreach (var mechanism in Server.Authenticator.Mechanisms(connection))
        {
            caps += " AUTH=" + mechanism;
        }
        return Server.Authenticator.PlaintextAllowed(connection) ? caps : caps + " LOGINDISABLED";
    }

    /// <summary>
    /// Takes the real client address a trusted proxy (webmail) names in ID <c>x-originating-ip</c> (as Dovecot's
    /// <c>login_trusted_networks</c>); ignored from untrusted peers, after login, or when not an address.
    /// </summary>
    internal void SetOriginatingAddress(string? value)
    {
        if (State == ImapState.NotAuthenticated && value is not null && IPAddress.TryParse(value.Trim('[', ']'), out var address)
            && Server.Authenticator.IsTrustedProxy(PeerAddress))
        {
            _namedClient = SaslConnection.Plain(address);
        }
    }

    /// <summary>
    /// LOGIN (RFC 9051 §6.2.3): checks the password with the shared authenticator (one hash run for unknown users too;
    /// a failure waits the per-address delay), then <see cref="CompleteLoginAsync"/>.
    /// </summary>
    internal async ValueTask<ImapCommandResult> AuthenticateAsync(string login, string password, CancellationToken cancellationToken)
    {
        var user = await Server.Authenticator.AuthenticatePasswordAsync(SaslConnection, login, password, "LOGIN", cancellationToken);
        return user is null ? AuthenticationFailed(login) : await CompleteLoginAsync(user, cancellationToken);
    }

    /// <summary>The reply to a failed authentication; the last allowed failure (<see cref="ImapOptions.MaxAuthFailures"/>) ends the connection.</summary>
    internal ImapCommandResult AuthenticationFailed(string login)
    {
        ImapLog.AuthenticationFailed(Logger, Id, login, Remote);
        if (CountAuthFailure())
        {
            Out.Raw("* NO [AUTHENTICATIONFAILED] Authentication failed\r\n"u8);
            return new ImapCommandResult(ImapCompletion.No, null, "") { Bye = "Too many authentication failures" };
        }
        return ImapCommandResult.No("Authentication failed", "AUTHENTICATIONFAILED");
    }

    /// <summary>Opens the account store and enters the Authenticated state.</summary>
    internal async ValueTask<ImapCommandResult> CompleteLoginAsync(DirectoryUser user, CancellationToken cancellationToken)
    {
        IAccountStore account = await Server.Store.OpenAccountAsync(user.Address, cancellationToken);
        SetAuthenticated(user.Address, account);
        ImapLog.Authenticated(Logger, Id, user.Address);
        return ImapCommandResult.Ok("Logged in", "CAPABILITY " + Capabilities());
    }
}

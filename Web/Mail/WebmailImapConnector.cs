using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Webmail;

/// <summary>Outcome of a credentials check against IMAP.</summary>
public enum ImapLoginResult
{
    /// <summary>IMAP accepted the address and password.</summary>
    Accepted,

    /// <summary>IMAP refused them (RFC 9051 §6.2.3 <c>NO [AUTHENTICATIONFAILED]</c>); no detail on why.</summary>
    Refused,

    /// <summary>IMAP could not be reached or broke the protocol.</summary>
    Unavailable,
}

/// <summary>
/// Opens authenticated MailKit <see cref="ImapClient"/> connections to the Mailbox role: the configured
/// <see cref="WebmailOptions.ImapHost"/>, else the IMAP listener this process bound
/// (<see cref="MailEndpoints.Bound"/>), else the configured IMAP endpoint. With TLS (STARTTLS towards a non-loopback
/// address) a certificate is trusted when it validates or when it is this node's own (<see cref="NodeCertificateTrust"/>).
/// </summary>
/// <param name="options">Where IMAP is and how to reach it (<c>Mail:Webmail</c>).</param>
/// <param name="endpoints">The listeners this process bound.</param>
/// <param name="logger">Logger.</param>
/// <param name="services">Where this node's certificate comes from; null (unit tests) trusts only certificates that validate.</param>
public sealed class WebmailImapConnector(
    IOptions<WebmailOptions> options, MailEndpoints endpoints, ILogger<WebmailImapConnector> logger, IServiceProvider? services = null)
{
    /// <summary>The ID field naming the real client (RFC 2971 §3.3 leaves field names open; Dovecot and Roundcube use this one).</summary>
    public const string OriginatingIpField = "x-originating-ip";

    private readonly WebmailOptions _options = options.Value;
    private readonly NodeCertificateTrust _trust = new(services);

    /// <summary>
    /// Checks <paramref name="address"/>/<paramref name="password"/> by logging in to IMAP, then logs out.
    /// <paramref name="clientAddress"/> (the browser's address) is named to IMAP first (see <see cref="ConnectAsync"/>).
    /// </summary>
    /// <returns><see cref="ImapLoginResult.Accepted"/>, <see cref="ImapLoginResult.Refused"/> or <see cref="ImapLoginResult.Unavailable"/>; never throws for those.</returns>
    public async Task<ImapLoginResult> VerifyAsync(string address, string password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await ConnectAsync(address, password, clientAddress, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return ImapLoginResult.Accepted;
        }
        catch (WebmailUnavailableException ex) when (ex.Failure == WebmailFailure.CredentialsRejected)
        {
            return ImapLoginResult.Refused;
        }
        catch (WebmailUnavailableException)
        {
            return ImapLoginResult.Unavailable;
        }
    }

    /// <summary>Connects and authenticates a new client; the caller owns (and disposes) it.</summary>
    /// <remarks>
    /// When <paramref name="clientAddress"/> is given and the server offers ID (RFC 2971), the client first sends
    /// <c>ID ("name" "Mail webmail" "x-originating-ip" "&lt;address&gt;")</c>, as Roundcube does, so the server's
    /// failed-login delays count the browser's address rather than this web node's (the server trusts the field only
    /// from its configured web-node addresses, <c>Mail:Authentication:TrustedNetworks</c>, loopback by default).
    /// </remarks>
    /// <exception cref="WebmailUnavailableException">
    /// <see cref="WebmailFailure.CredentialsRejected"/> when IMAP refuses the login,
    /// <see cref="WebmailFailure.ServerUnavailable"/> when it cannot be reached or breaks the protocol.
    /// </exception>
    public async Task<ImapClient> ConnectAsync(string address, string password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var (host, port) = ResolveEndpoint();
        var client = new ImapClient { Timeout = _options.ImapTimeoutSeconds * 1000, ServerCertificateValidationCallback = _trust.Validate };
        try
        {
            await client.ConnectAsync(host, port, ResolveSecurity(host), cancellationToken);
            if (clientAddress is not null && client.Capabilities.HasFlag(ImapCapabilities.Id))
            {
                var identity = new ImapImplementation { Name = "Mail webmail" };
                identity.Properties[OriginatingIpField] = (clientAddress.IsIPv4MappedToIPv6 ? clientAddress.MapToIPv4() : clientAddress).ToString();
                await client.IdentifyAsync(identity, cancellationToken);
            }
            // Exactly one mechanism: MailKit would otherwise try SCRAM, PLAIN and LOGIN in turn on a wrong password, and
            // the third failure ends the IMAP connection (Mail:Imap:MaxAuthFailures). PLAIN works for every user (SCRAM
            // needs stored keys); SCRAM-SHA-256 when plaintext is not offered (remote IMAP without TLS).
            var credentials = new NetworkCredential(address, password);
            SaslMechanism mechanism = client.AuthenticationMechanisms.Contains("PLAIN") || !client.AuthenticationMechanisms.Contains("SCRAM-SHA-256")
                ? new SaslMechanismPlain(credentials)
                : new SaslMechanismScramSha256(credentials);
            await client.AuthenticateAsync(mechanism, cancellationToken);
            if (client.Capabilities.HasFlag(ImapCapabilities.UTF8Accept))
            {
                // RFC 6855 §3: with UTF8=ACCEPT the server sends raw UTF-8 header text (an 8-bit Subject, a file name)
                // as a quoted string. Without it such a string must come as a literal, and MailKit refuses literals
                // over 4096 octets inside FETCH ENVELOPE/BODYSTRUCTURE and drops the connection: one message with a
                // long raw UTF-8 subject would make the whole folder "unavailable".
                await client.EnableUTF8Async(cancellationToken);
            }
            if (!_options.ServerPaging)
            {
                // MailKit lets a client turn capabilities off (never on): lists then read their UIDs whole.
                client.Capabilities &= ~ImapCapabilities.Partial;
            }
            return client;
        }
        catch (AuthenticationException ex)
        {
            client.Dispose();
            throw new WebmailUnavailableException(WebmailFailure.CredentialsRejected, "IMAP refused the credentials.", ex);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            client.Dispose();
            WebmailLog.ImapUnreachable(logger, host + ":" + port, ex);
            throw new WebmailUnavailableException(WebmailFailure.ServerUnavailable, "The mail server could not be reached.", ex);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True for failures that mean "the connection is gone or unusable" (CONVENTIONS.md §7): protocol
    /// errors, socket and stream errors, a dropped service. Command failures (<see cref="CommandException"/>)
    /// are not among them: the connection stays usable after those.
    /// </summary>
    public static bool IsConnectionFailure(Exception exception) => exception is ProtocolException
        or IOException or SocketException or ServiceNotConnectedException or ServiceNotAuthenticatedException
        or SslHandshakeException or TimeoutException;

    private (string Host, int Port) ResolveEndpoint()
    {
        if (!string.IsNullOrWhiteSpace(_options.Imap))
        {
            return WebmailOptions.ParseEndpoint(_options.Imap, 143);
        }
        if (!string.IsNullOrWhiteSpace(_options.ImapHost))
        {
            return (_options.ImapHost, _options.ImapPort);
        }
        return endpoints.LocalDialTarget(MailEndpoints.Imap);
    }

    private SecureSocketOptions ResolveSecurity(string host)
    {
        if (_options.ImapSecurity != SecureSocketOptions.Auto)
        {
            return _options.ImapSecurity;
        }
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        return loopback ? SecureSocketOptions.None : SecureSocketOptions.StartTls;
    }
}

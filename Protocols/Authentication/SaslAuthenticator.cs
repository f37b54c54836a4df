using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Scram;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Authentication;

/// <summary>
/// Authentication shared by IMAP (LOGIN, AUTHENTICATE), POP3 (USER/PASS, AUTH) and Submission (AUTH): which SASL
/// mechanisms a connection may use, password and SCRAM checks against the directory, and the per-client-address
/// failure delays (<see cref="AuthFailureThrottle"/>).
/// </summary>
/// <remarks>
/// Unknown user, disabled user and wrong password give the same reply after the same work: the directory runs one
/// password hash either way, and SCRAM runs with a made-up salt for users it cannot find.
/// </remarks>
public sealed class SaslAuthenticator
{
    private readonly IMailDirectory _directory;
    private readonly IScramCredentialStore? _scram;
    private readonly AuthFailureThrottle _throttle;
    private readonly AuthenticationOptions _options;
    private readonly TrustedNetworks _trusted;
    private readonly ILogger<SaslAuthenticator> _logger;
    private readonly byte[] _fakeSaltKey = RandomNumberGenerator.GetBytes(32);

    public SaslAuthenticator(
        IMailDirectory directory,
        AuthFailureThrottle throttle,
        IOptions<AuthenticationOptions> options,
        ILogger<SaslAuthenticator> logger,
        IScramCredentialStore? scram = null)
    {
        _directory = directory;
        _scram = scram ?? directory as IScramCredentialStore;
        _throttle = throttle;
        _options = options.Value;
        _trusted = new TrustedNetworks(_options.TrustedNetworks);
        _logger = logger;
    }

    /// <summary>The shared options.</summary>
    public AuthenticationOptions Options => _options;

    /// <summary>True when <paramref name="peer"/> may name the real client address (<see cref="AuthenticationOptions.TrustedNetworks"/>, loopback with <see cref="AuthenticationOptions.TrustLoopbackProxies"/>).</summary>
    public bool IsTrustedProxy(IPAddress peer) =>
        _trusted.Contains(peer) || (_options.TrustLoopbackProxies && IPAddress.IsLoopback(peer));

    /// <summary>Whether plaintext mechanisms are allowed on this connection: with TLS, or from loopback when <see cref="AuthenticationOptions.AllowPlaintextOnLoopback"/>.</summary>
    public bool PlaintextAllowed(SaslConnection connection) =>
        connection.IsSecure || (_options.AllowPlaintextOnLoopback && IPAddress.IsLoopback(connection.Peer));

    /// <summary>
    /// True when SCRAM-SHA-256-PLUS is offered on this connection: TLS (tls-server-end-point is always accepted there,
    /// tls-exporter too when <see cref="TlsChannelBinding.HasExporter"/>) and a directory with SCRAM keys.
    /// </summary>
    public bool OffersPlus(SaslConnection connection) => _scram is not null && connection.ChannelBinding is not null;

    /// <summary>Logs (Debug) a SCRAM-SHA-256-PLUS binding type the connection does not have; unknown type names are logged as <c>other</c>.</summary>
    internal void ChannelBindingRefused(SaslConnection connection, string bindingType) =>
        AuthenticationLog.ChannelBindingRefused(_logger, connection.Client,
            bindingType is TlsChannelBinding.Exporter or TlsChannelBinding.ServerEndPoint or TlsChannelBinding.Unique ? bindingType : "other");

    /// <summary>
    /// The mechanisms to advertise on this connection, strongest first: SCRAM-SHA-256-PLUS (TLS only),
    /// SCRAM-SHA-256 (when the directory stores SCRAM keys), then PLAIN and LOGIN when plaintext is allowed.
    /// </summary>
    public IReadOnlyList<string> Mechanisms(SaslConnection connection)
    {
        var list = new List<string>(4);
        if (OffersPlus(connection))
        {
            list.Add(SaslMechanismNames.ScramSha256Plus);
        }
        if (_scram is not null)
        {
            list.Add(SaslMechanismNames.ScramSha256);
        }
        if (PlaintextAllowed(connection))
        {
            list.Add(SaslMechanismNames.Plain);
            list.Add(SaslMechanismNames.Login);
        }
        return list;
    }

    /// <summary>A server for <paramref name="mechanism"/> (any case), or null when it is not offered on this connection.</summary>
    public SaslServerMechanism? Create(string mechanism, SaslConnection connection)
    {
        var name = mechanism.ToUpperInvariant();
        if (!Mechanisms(connection).Contains(name))
        {
            return null;
        }
        return name switch
        {
            SaslMechanismNames.Plain => new PlainSaslServer(this),
            SaslMechanismNames.Login => new LoginSaslServer(this),
            SaslMechanismNames.ScramSha256 => new ScramSha256SaslServer(this, connection, plus: false),
            SaslMechanismNames.ScramSha256Plus => new ScramSha256SaslServer(this, connection, plus: true),
            _ => null,
        };
    }

    /// <summary>
    /// Checks a password (one hash run whether or not the user exists); the enabled user, or null. The user name and
    /// password are prepared with SASLprep first (RFC 4013; RFC 4616 §4 for PLAIN), so <c>"pass\u00A0Ⅸ"</c> checks as
    /// <c>"pass IX"</c>; input with prohibited characters fails after the same hash work as a wrong password.
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached.</exception>
    public async Task<DirectoryUser?> VerifyPasswordAsync(string login, string password, CancellationToken cancellationToken)
    {
        var loginOk = SaslPreparation.TryPrepare(login, out var preparedLogin);
        var passwordOk = SaslPreparation.TryPrepare(password, out var preparedPassword);
        var user = await _directory.AuthenticateAsync(preparedLogin, preparedPassword, cancellationToken);
        return loginOk && passwordOk && user is { Enabled: true } ? user : null;
    }

    /// <summary>
    /// The SCRAM keys of <paramref name="login"/>; for an unknown or disabled user, or one without keys, a made-up
    /// credential (salt = HMAC(node secret, login), the default iteration count, random keys) that never verifies,
    /// with a null user.
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached.</exception>
    /// <remarks>The user name is prepared with SASLprep (RFC 5802 §5.1); one with prohibited characters gets the made-up credential.</remarks>
    internal async Task<ScramLookup> FindScramAsync(string login, CancellationToken cancellationToken)
    {
        var prepared = SaslPreparation.TryPrepare(login, out var preparedLogin);
        login = preparedLogin;
        var found = _scram is null ? null : await _scram.FindScramSha256Async(login, cancellationToken);
        if (found is not null && prepared)
        {
            return new ScramLookup(found.User, found.Credential);
        }
        var salt = HMACSHA256.HashData(_fakeSaltKey, Encoding.UTF8.GetBytes(login.ToLowerInvariant()))[..ScramSha256Credential.SaltOctets];
        var fake = new ScramSha256Credential(ScramSha256Credential.DefaultIterations, salt, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        return new ScramLookup(null, fake);
    }

    /// <summary>
    /// Records a failed authentication from <see cref="SaslConnection.Client"/> and waits the escalating delay
    /// (<see cref="AuthenticationOptions.FirstFailureDelay"/> doubled per earlier failure, at most
    /// <see cref="AuthenticationOptions.MaxFailureDelay"/>) before the caller replies.
    /// </summary>
    public async Task FailedAsync(SaslConnection connection, string mechanism, CancellationToken cancellationToken)
    {
        var delay = await _throttle.RecordFailureAsync(connection.Client);
        AuthenticationLog.Failed(_logger, connection.Client, mechanism, delay.TotalMilliseconds);
        if (delay > TimeSpan.Zero)
        {
            await _throttle.DelayAsync(delay, cancellationToken);
        }
    }

    /// <summary>Clears the failure count of <see cref="SaslConnection.Client"/> after a successful authentication.</summary>
    public Task SucceededAsync(SaslConnection connection) => _throttle.ClearAsync(connection.Client);

    /// <summary>
    /// A whole password check for LOGIN-style commands (IMAP LOGIN, POP3 USER/PASS): verifies, and on failure
    /// waits the failure delay; on success clears the count.
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached.</exception>
    public async Task<DirectoryUser?> AuthenticatePasswordAsync(SaslConnection connection, string login, string password, string mechanism, CancellationToken cancellationToken)
    {
        var user = await VerifyPasswordAsync(login, password, cancellationToken);
        if (user is null)
        {
            await FailedAsync(connection, mechanism, cancellationToken);
            return null;
        }
        await SucceededAsync(connection);
        return user;
    }
}

/// <summary>A SCRAM credential with its user; the user is null when the credential is made up.</summary>
internal sealed record ScramLookup(DirectoryUser? User, ScramSha256Credential Credential);

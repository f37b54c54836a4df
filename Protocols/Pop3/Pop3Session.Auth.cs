using Mail.Protocols.Authentication;
using Mail.Shared.Directory;

namespace Mail.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    private int _authFailures;
    private TlsChannelBinding? _channelBinding;

    /// <summary>The connection as the shared authentication code sees it (TLS channel bindings taken at the handshake, client address).</summary>
    public SaslConnection SaslConnection =>
        SaslConnection.Create(Remote.Address, IsSecure ? _channelBinding : null);

    /// <summary>
    /// Whether USER/PASS and AUTH PLAIN/LOGIN may be used now: with TLS, or from loopback when
    /// <see cref="AuthenticationOptions.AllowPlaintextOnLoopback"/> (RFC 2595 §2.1).
    /// </summary>
    public bool PlaintextAuthAllowed => Authenticator.PlaintextAllowed(SaslConnection);

    /// <summary>
    /// USER/PASS: checks the password with the shared authenticator (one hash run for unknown users too; a failure
    /// waits the per-address delay), then <see cref="CompleteLoginAsync"/> or <see cref="FailLoginAsync"/>.
    /// </summary>
    public async Task LoginAsync(string login, string password, CancellationToken cancellationToken)
    {
        var user = await Authenticator.AuthenticatePasswordAsync(SaslConnection, login, password, "USER", cancellationToken);
        if (user is null)
        {
            Pop3Log.LoginFailed(Logger, Remote, login);
            await FailLoginAsync(cancellationToken);
            return;
        }
        await CompleteLoginAsync(user, cancellationToken);
    }

    /// <summary>Locks the maildrop and replies <c>+OK</c>, or <c>-ERR [IN-USE]</c> when another session holds it (RFC 2449 §8.1.1).</summary>
    public async Task CompleteLoginAsync(DirectoryUser user, CancellationToken cancellationToken)
    {
        if (!await EnterTransactionAsync(user, cancellationToken))
        {
            Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.MaildropLocked);
            PendingUser = null;
            await WriteLineAsync("-ERR [IN-USE] maildrop already locked", cancellationToken);
            return;
        }
        await WriteLineAsync($"+OK {user.Address} has {Maildrop!.Count} messages ({Maildrop.LiveOctets} octets)", cancellationToken);
    }

    /// <summary>
    /// Replies a failed authentication (<c>-ERR [AUTH]</c>, RFC 3206 §4) after the delay was waited; after
    /// <see cref="Pop3Options.MaxAuthFailures"/> failures the connection closes.
    /// </summary>
    public async Task FailLoginAsync(CancellationToken cancellationToken)
    {
        _authFailures++;
        PendingUser = null;
        if (_authFailures >= Options.MaxAuthFailures)
        {
            Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.TooManyAuthFailures);
            await WriteLineAsync("-ERR [AUTH] authentication failed, too many failures, closing connection", cancellationToken);
            Close();
            return;
        }
        await WriteLineAsync("-ERR [AUTH] authentication failed", cancellationToken);
    }

    /// <summary>Replies the refusal when plaintext authentication is not allowed now; true when it was refused.</summary>
    public async Task<bool> RefusePlaintextAsync(CancellationToken cancellationToken)
    {
        if (PlaintextAuthAllowed)
        {
            return false;
        }
        Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.PlaintextAuthDisallowed);
        await WriteLineAsync("-ERR [AUTH] plaintext authentication disallowed without TLS, use STLS", cancellationToken);
        return true;
    }
}

namespace Mail.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    private int _authFailures;

    /// <summary>
    /// Checks a login with the directory and enters TRANSACTION, or counts a failure: the reply waits
    /// <see cref="Pop3Options.AuthFailureDelayMilliseconds"/>, and after <see cref="Pop3Options.MaxAuthFailures"/>
    /// the connection closes.
    /// </summary>
    public async Task LoginAsync(string login, string password, CancellationToken cancellationToken)
    {
        var user = await Directory.AuthenticateAsync(login, password, cancellationToken);
        if (user is not null)
        {
            if (!await EnterTransactionAsync(user, cancellationToken))
            {
                Pop3Log.Rejected(Logger, Remote, Pop3RejectReason.MaildropLocked);
                PendingUser = null;
                await WriteLineAsync("-ERR [IN-USE] maildrop already locked", cancellationToken);
                return;
            }
            await WriteLineAsync($"+OK {user.Address} has {Maildrop!.Count} messages ({Maildrop.LiveOctets} octets)", cancellationToken);
            return;
        }
        Pop3Log.LoginFailed(Logger, Remote, login);
        _authFailures++;
        PendingUser = null;
        await Task.Delay(TimeSpan.FromMilliseconds(Options.AuthFailureDelayMilliseconds), _services.Time, cancellationToken);
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

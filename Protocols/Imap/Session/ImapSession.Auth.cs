using Mail.Protocols.Store;

namespace Mail.Protocols.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>
    /// Checks credentials with <see cref="Shared.Directory.IMailDirectory.AuthenticateAsync"/>, opens
    /// the account store and enters the Authenticated state. A failure waits
    /// <see cref="ImapOptions.AuthFailureDelay"/>; the last allowed failure ends the connection.
    /// </summary>
    internal async ValueTask<ImapCommandResult> AuthenticateAsync(string login, string password, CancellationToken cancellationToken)
    {
        var user = await Server.Directory.AuthenticateAsync(login, password, cancellationToken);
        if (user is null || !user.Enabled)
        {
            ImapLog.AuthenticationFailed(Logger, Id, login, Remote);
            var delay = Server.Options.AuthFailureDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, Server.Time, cancellationToken);
            }
            if (CountAuthFailure())
            {
                Out.Raw("* NO [AUTHENTICATIONFAILED] Authentication failed\r\n"u8);
                return new ImapCommandResult(ImapCompletion.No, null, "") { Bye = "Too many authentication failures" };
            }
            return ImapCommandResult.No("Authentication failed", "AUTHENTICATIONFAILED");
        }
        IAccountStore account = await Server.Store.OpenAccountAsync(user.Address, cancellationToken);
        SetAuthenticated(user.Address, account);
        ImapLog.Authenticated(Logger, Id, user.Address);
        return ImapCommandResult.Ok("Logged in", "CAPABILITY " + Capabilities());
    }
}

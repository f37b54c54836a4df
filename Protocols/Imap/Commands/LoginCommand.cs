using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// LOGIN user password (RFC 9051 §6.2.3). Not authenticated state. Refused with
/// <c>NO [PRIVACYREQUIRED]</c> without TLS off loopback (LOGINDISABLED); a wrong password or unknown user gets
/// <c>NO [AUTHENTICATIONFAILED]</c> after the per-address failure delay
/// (<see cref="Authentication.AuthenticationOptions.FirstFailureDelay"/>), and the connection closes after
/// <see cref="ImapOptions.MaxAuthFailures"/> failures.
/// </summary>
public sealed class LoginCommand : ImapCommand
{
    public const string WireName = "LOGIN";
    private string _user = "";
    private string _password = "";

    public override string Name => WireName;

    public override bool TraceArguments => false;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session) =>
        tokenizer.Space() && tokenizer.TryReadAString(out _user) && tokenizer.Space() && tokenizer.TryReadAString(out _password);

    public override ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        session.PlaintextAuthAllowed
            ? session.AuthenticateAsync(_user, _password, cancellationToken)
            : ValueTask.FromResult(ImapCommandResult.No("Plaintext authentication is disabled; use STARTTLS first", "PRIVACYREQUIRED"));
}

using System.Text;
using Mail.Protocols.Authentication;
using Mail.Protocols.Imap.Protocol;
using Mail.Protocols.Imap.Session;

namespace Mail.Protocols.Imap.Commands;

/// <summary>
/// AUTHENTICATE mechanism [initial-response] (RFC 9051 §6.2.2, SASL-IR RFC 4959). Not authenticated state.
/// Mechanisms come from the shared <see cref="SaslAuthenticator"/>: SCRAM-SHA-256-PLUS (TLS only), SCRAM-SHA-256,
/// PLAIN and LOGIN (plaintext: TLS or loopback, else <c>NO [PRIVACYREQUIRED]</c>). Challenges are <c>+ base64</c>;
/// the client's <c>*</c> cancels (<c>BAD</c>); a bad response is <c>BAD</c>; wrong credentials get
/// <c>NO [AUTHENTICATIONFAILED]</c> after the per-address failure delay; an unknown mechanism is <c>NO</c>.
/// </summary>
public sealed class AuthenticateCommand : ImapCommand
{
    public const string WireName = "AUTHENTICATE";
    private string _mechanism = "";
    private string? _initialResponse;

    public override string Name => WireName;

    public override bool TraceArguments => false;

    public override bool Parse(ref ImapTokenizer tokenizer, ImapSession session)
    {
        if (!tokenizer.Space() || !tokenizer.TryReadAtom(out var mechanism))
        {
            return false;
        }
        _mechanism = Encoding.ASCII.GetString(mechanism).ToUpperInvariant();
        if (tokenizer.TryConsume((byte)' '))
        {
            if (tokenizer.TryConsume((byte)'='))
            {
                _initialResponse = "=";
                return true;
            }
            if (!tokenizer.TryReadAtom(out var ir))
            {
                return false;
            }
            _initialResponse = Encoding.ASCII.GetString(ir);
        }
        return true;
    }

    public override async ValueTask<ImapCommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var connection = session.SaslConnection;
        var authenticator = session.Server.Authenticator;
        if (SaslMechanismNames.IsPlaintext(_mechanism) && !authenticator.PlaintextAllowed(connection))
        {
            return ImapCommandResult.No("Plaintext authentication is disabled; use STARTTLS first", "PRIVACYREQUIRED");
        }
        var mechanism = authenticator.Create(_mechanism, connection);
        if (mechanism is null)
        {
            return ImapCommandResult.No("Unsupported authentication mechanism");
        }
        var result = await SaslExchange.RunAsync(authenticator, mechanism, connection, _initialResponse, async (challenge, ct) =>
        {
            session.Out.Raw("+ "u8).Ascii(challenge).Crlf();
            await session.Out.FlushAsync(ct);
            var line = await session.ReadLineAsync(ct);
            return line is null ? null : Encoding.ASCII.GetString(line);
        }, cancellationToken);
        return result.Outcome switch
        {
            SaslOutcome.Succeeded => await session.CompleteLoginAsync(result.User!, cancellationToken),
            SaslOutcome.Failed => session.AuthenticationFailed(_mechanism),
            SaslOutcome.Cancelled => ImapCommandResult.Bad("Authentication cancelled"),
            SaslOutcome.Malformed => ImapCommandResult.Bad("Invalid SASL response"),
            _ => ImapCommandResult.Bad("Invalid authentication response"),
        };
    }
}

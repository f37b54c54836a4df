using System.Text;
using Mail.Protocols.Authentication;

namespace Mail.Protocols.Pop3.Commands;

/// <summary>
/// AUTH [mechanism [initial-response]] (RFC 5034), AUTHORIZATION state, through the shared
/// <see cref="SaslAuthenticator"/>: SCRAM-SHA-256-PLUS (TLS only), SCRAM-SHA-256, PLAIN and LOGIN (plaintext: TLS or
/// loopback, else <c>-ERR [AUTH]</c>). <c>AUTH</c> alone lists the mechanisms. Challenges are <c>+ base64</c>; an
/// initial response of <c>=</c> is empty; <c>*</c> cancels (RFC 5034 §4). Wrong credentials: <c>-ERR [AUTH]</c>
/// (RFC 3206) after the per-address failure delay.
/// </summary>
internal sealed class AuthCommand : IPop3Command
{
    public const string Command = "AUTH";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var authenticator = session.Authenticator;
        var connection = session.SaslConnection;
        if (request.Arguments.Count == 0)
        {
            await session.WriteLineAsync("+OK supported SASL mechanisms", cancellationToken);
            await session.WriteMultiLineAsync(authenticator.Mechanisms(connection), cancellationToken);
            return;
        }
        var name = request.Arguments[0];
        if (SaslMechanismNames.IsPlaintext(name) && await session.RefusePlaintextAsync(cancellationToken))
        {
            return;
        }
        var mechanism = request.Arguments.Count <= 2 ? authenticator.Create(name, connection) : null;
        if (mechanism is null)
        {
            await session.WriteLineAsync("-ERR unsupported authentication mechanism", cancellationToken);
            return;
        }
        var lineTooLong = false;
        var result = await SaslExchange.RunAsync(authenticator, mechanism, connection, request.Arguments.Count == 2 ? request.Arguments[1] : null, async (challenge, ct) =>
        {
            await session.WriteLineAsync("+ " + challenge, ct);
            var line = await session.ReadLineAsync(session.Options.MaxAuthLineOctets, ct);
            lineTooLong = line is { Rejected: true };
            return line is null || line.Rejected ? null : Encoding.ASCII.GetString(line.Bytes);
        }, cancellationToken);
        switch (result.Outcome)
        {
            case SaslOutcome.Succeeded:
                await session.CompleteLoginAsync(result.User!, cancellationToken);
                break;
            case SaslOutcome.Failed:
                Pop3Log.LoginFailed(session.Logger, session.Remote, mechanism.Name);
                await session.FailLoginAsync(cancellationToken);
                break;
            case SaslOutcome.Cancelled:
                await session.WriteLineAsync("-ERR authentication cancelled", cancellationToken);
                break;
            case SaslOutcome.Malformed:
                await session.WriteLineAsync("-ERR invalid SASL response", cancellationToken);
                break;
            case SaslOutcome.Disconnected when lineTooLong:
                await session.WriteLineAsync("-ERR line too long", cancellationToken);
                break;
            default:
                session.Close();
                break;
        }
    }
}

namespace Mail.Protocols.Pop3.Commands;

/// <summary>
/// CAPA (RFC 2449 §5), AUTHORIZATION and TRANSACTION states: TOP, UIDL, RESP-CODES, AUTH-RESP-CODE (RFC 3206),
/// PIPELINING, UTF8 (RFC 6856); before login also USER (plaintext allowed), SASL with the mechanisms of this
/// connection (RFC 5034 §6) and STLS (without TLS).
/// </summary>
internal sealed class CapaCommand : IPop3Command
{
    public const string Command = "CAPA";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var capabilities = new List<string> { "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UTF8 USER" };
        if (session.State == Pop3State.Authorization)
        {
            if (session.PlaintextAuthAllowed)
            {
                capabilities.Add("USER");
            }
            var mechanisms = session.Authenticator.Mechanisms(session.SaslConnection);
            if (mechanisms.Count > 0)
            {
                capabilities.Add("SASL " + string.Join(' ', mechanisms));
            }
            if (!session.IsSecure)
            {
                capabilities.Add("STLS");
            }
        }
        capabilities.Add("IMPLEMENTATION Mail");
        await session.WriteLineAsync("+OK capability list follows", cancellationToken);
        await session.WriteMultiLineAsync(capabilities, cancellationToken);
    }
}

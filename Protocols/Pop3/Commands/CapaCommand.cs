namespace Mail.Protocols.Pop3.Commands;

/// <summary>CAPA (RFC 2449 §5), AUTHORIZATION and TRANSACTION states.</summary>
internal sealed class CapaCommand : IPop3Command
{
    public const string Command = "CAPA";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var capabilities = new List<string> { "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING" };
        if (session.State == Pop3State.Authorization)
        {
            if (session.PlaintextAuthAllowed)
            {
                capabilities.Add("USER");
                capabilities.Add("SASL PLAIN");
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

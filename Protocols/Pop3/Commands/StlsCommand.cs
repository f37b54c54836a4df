namespace Mail.Protocols.Pop3.Commands;

/// <summary>STLS (RFC 2595 §4), AUTHORIZATION state, not once TLS is active.</summary>
internal sealed class StlsCommand : IPop3Command
{
    public const string Command = "STLS";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        if (session.IsSecure)
        {
            await session.WriteLineAsync("-ERR TLS already active", cancellationToken);
            return;
        }
        await session.WriteLineAsync("+OK begin TLS negotiation", cancellationToken);
        await session.StartTlsAsync(cancellationToken);
    }
}

namespace Mail.Protocols.Pop3.Commands;

/// <summary>USER name (RFC 1939 §7), AUTHORIZATION state. Always <c>+OK</c> for a syntactically valid name, so it does not reveal which users exist.</summary>
internal sealed class UserCommand : IPop3Command
{
    public const string Command = "USER";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        if (await session.RefusePlaintextAsync(cancellationToken))
        {
            return;
        }
        if (request.Arguments.Count != 1)
        {
            await session.WriteLineAsync("-ERR usage: USER name", cancellationToken);
            return;
        }
        session.PendingUser = request.Arguments[0];
        await session.WriteLineAsync("+OK send PASS", cancellationToken);
    }
}

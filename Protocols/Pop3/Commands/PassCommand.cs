namespace Mail.Protocols.Pop3.Commands;

/// <summary>PASS string (RFC 1939 §7), AUTHORIZATION state, right after USER. The whole rest of the line is the password (spaces included).</summary>
internal sealed class PassCommand : IPop3Command
{
    public const string Command = "PASS";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        if (await session.RefusePlaintextAsync(cancellationToken))
        {
            return;
        }
        if (session.PendingUser is not { } user)
        {
            await session.WriteLineAsync("-ERR USER first", cancellationToken);
            return;
        }
        await session.LoginAsync(user, request.Rest, cancellationToken);
    }
}

namespace Mail.Protocols.Pop3.Commands;

/// <summary>DELE msg (RFC 1939 §5), TRANSACTION state: marks the message; it is removed only at QUIT.</summary>
internal sealed class DeleCommand : IPop3Command
{
    public const string Command = "DELE";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        if (request.Arguments.Count != 1)
        {
            await session.WriteLineAsync("-ERR usage: DELE msg", cancellationToken);
            return;
        }
        if (maildrop.Resolve(request.Arguments[0], out var error) is not { } number)
        {
            await session.WriteLineAsync("-ERR " + error, cancellationToken);
            return;
        }
        maildrop.MarkDeleted(number);
        await session.WriteLineAsync($"+OK message {number} deleted", cancellationToken);
    }
}

namespace Mail.Protocols.Pop3.Commands;

/// <summary>RETR msg (RFC 1939 §5), TRANSACTION state: the exact stored octets, dot-stuffed (<see cref="Pop3MessageWriter"/>).</summary>
internal sealed class RetrCommand : IPop3Command
{
    public const string Command = "RETR";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        if (request.Arguments.Count != 1)
        {
            await session.WriteLineAsync("-ERR usage: RETR msg", cancellationToken);
            return;
        }
        if (maildrop.Resolve(request.Arguments[0], out var error) is not { } number)
        {
            await session.WriteLineAsync("-ERR " + error, cancellationToken);
            return;
        }
        await using var message = await maildrop.Account.OpenMessageAsync(maildrop.Inbox.Id, maildrop[number].Uid, cancellationToken);
        if (message is null)
        {
            await session.WriteLineAsync("-ERR message was removed by another session", cancellationToken);
            return;
        }
        await session.WriteLineAsync($"+OK {maildrop[number].SizeOctets} octets", cancellationToken);
        await new Pop3MessageWriter(session.Output).WriteMessageAsync(message, cancellationToken);
    }
}

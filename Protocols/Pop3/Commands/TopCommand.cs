using System.Globalization;

namespace Mail.Protocols.Pop3.Commands;

/// <summary>TOP msg n (RFC 1939 §7), TRANSACTION state: the header, the blank line and the first n body lines.</summary>
internal sealed class TopCommand : IPop3Command
{
    public const string Command = "TOP";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        if (request.Arguments.Count != 2 || !long.TryParse(request.Arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
        {
            await session.WriteLineAsync("-ERR usage: TOP msg n", cancellationToken);
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
        await session.WriteLineAsync("+OK top of message follows", cancellationToken);
        await new Pop3MessageWriter(session.Output).WriteTopAsync(message, lines, cancellationToken);
    }
}

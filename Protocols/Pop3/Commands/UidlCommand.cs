namespace Mail.Protocols.Pop3.Commands;

/// <summary>UIDL [msg] (RFC 1939 §7), TRANSACTION state: unique ids <c>UIDVALIDITY.UID</c>, stable across sessions.</summary>
internal sealed class UidlCommand : IPop3Command
{
    public const string Command = "UIDL";

    public string Name => Command;

    public async Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        if (request.Arguments.Count > 0)
        {
            if (maildrop.Resolve(request.Arguments[0], out var error) is not { } number)
            {
                await session.WriteLineAsync("-ERR " + error, cancellationToken);
                return;
            }
            await session.WriteLineAsync($"+OK {number} {maildrop.UniqueId(number)}", cancellationToken);
            return;
        }
        await session.WriteLineAsync("+OK unique-id listing follows", cancellationToken);
        var lines = Enumerable.Range(1, maildrop.Count).Where(n => !maildrop.IsDeleted(n)).Select(n => $"{n} {maildrop.UniqueId(n)}");
        await session.WriteMultiLineAsync(lines, cancellationToken);
    }
}

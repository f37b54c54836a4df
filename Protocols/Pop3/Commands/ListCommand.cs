namespace Mail.Protocols.Pop3.Commands;

/// <summary>LIST [msg] (RFC 1939 §5), TRANSACTION state: sizes in octets; deleted messages are left out.</summary>
internal sealed class ListCommand : IPop3Command
{
    public const string Command = "LIST";

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
            await session.WriteLineAsync($"+OK {number} {maildrop[number].SizeOctets}", cancellationToken);
            return;
        }
        await session.WriteLineAsync($"+OK {maildrop.LiveCount} messages ({maildrop.LiveOctets} octets)", cancellationToken);
        var lines = Enumerable.Range(1, maildrop.Count).Where(n => !maildrop.IsDeleted(n)).Select(n => $"{n} {maildrop[n].SizeOctets}");
        await session.WriteMultiLineAsync(lines, cancellationToken);
    }
}

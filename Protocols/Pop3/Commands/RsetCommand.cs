namespace Mail.Protocols.Pop3.Commands;

/// <summary>RSET (RFC 1939 §5), TRANSACTION state: unmarks all messages marked deleted.</summary>
internal sealed class RsetCommand : IPop3Command
{
    public const string Command = "RSET";

    public string Name => Command;

    public Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        maildrop.Unmark();
        return session.WriteLineAsync($"+OK maildrop has {maildrop.LiveCount} messages ({maildrop.LiveOctets} octets)", cancellationToken);
    }
}

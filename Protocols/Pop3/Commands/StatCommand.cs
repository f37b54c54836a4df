namespace Mail.Protocols.Pop3.Commands;

/// <summary>STAT (RFC 1939 §5), TRANSACTION state: <c>+OK count octets</c> of the messages not marked deleted.</summary>
internal sealed class StatCommand : IPop3Command
{
    public const string Command = "STAT";

    public string Name => Command;

    public Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken)
    {
        var maildrop = session.Maildrop!;
        return session.WriteLineAsync($"+OK {maildrop.LiveCount} {maildrop.LiveOctets}", cancellationToken);
    }
}

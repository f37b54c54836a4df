namespace Mail.Protocols.Pop3.Commands;

/// <summary>NOOP (RFC 1939 §5), TRANSACTION state.</summary>
internal sealed class NoopCommand : IPop3Command
{
    public const string Command = "NOOP";

    public string Name => Command;

    public Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken) =>
        session.WriteLineAsync("+OK", cancellationToken);
}

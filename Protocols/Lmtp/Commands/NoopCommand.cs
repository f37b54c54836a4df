namespace Mail.Protocols.Lmtp.Commands;

/// <summary>NOOP (RFC 5321 §4.1.1.9), any state.</summary>
internal sealed class NoopCommand : ILmtpCommand
{
    public const string Command = "NOOP";

    public string Name => Command;

    public Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken) =>
        session.WriteLineAsync("250 2.0.0 OK", cancellationToken);
}

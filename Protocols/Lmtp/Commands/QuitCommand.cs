namespace Mail.Protocols.Lmtp.Commands;

/// <summary>QUIT (RFC 5321 §4.1.1.10), any state: <c>221 2.0.0</c>, then the server closes the connection.</summary>
internal sealed class QuitCommand : ILmtpCommand
{
    public const string Command = "QUIT";

    public string Name => Command;

    public Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        session.Close();
        return session.WriteLineAsync($"221 2.0.0 {session.HostName} closing connection", cancellationToken);
    }
}

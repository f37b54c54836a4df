namespace Mail.Protocols.Lmtp.Commands;

/// <summary>RSET (RFC 5321 §4.1.1.5), any state: drops the transaction. Before LHLO the state stays <see cref="LmtpState.Greeted"/>.</summary>
internal sealed class RsetCommand : ILmtpCommand
{
    public const string Command = "RSET";

    public string Name => Command;

    public Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken)
    {
        if (session.State != LmtpState.Greeted)
        {
            session.ResetTransaction();
        }
        return session.WriteLineAsync("250 2.0.0 OK", cancellationToken);
    }
}

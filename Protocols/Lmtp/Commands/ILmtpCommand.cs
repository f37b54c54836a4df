namespace Mail.Protocols.Lmtp.Commands;

/// <summary>One LMTP command. Its states are in <see cref="LmtpStateTable"/>; the session checks them before <see cref="ExecuteAsync"/>.</summary>
internal interface ILmtpCommand
{
    /// <summary>The wire keyword, upper-case.</summary>
    string Name { get; }

    /// <summary>Runs the command and writes its complete reply (for DATA: the 354 and one reply per recipient).</summary>
    Task ExecuteAsync(LmtpSession session, LmtpRequest request, CancellationToken cancellationToken);
}

/// <summary>Every command by keyword.</summary>
internal static class LmtpCommands
{
    public static IReadOnlyDictionary<string, ILmtpCommand> All { get; } = new ILmtpCommand[]
    {
        new LhloCommand(), new MailCommand(), new RcptCommand(), new DataCommand(), new RsetCommand(), new NoopCommand(), new QuitCommand(),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);
}

namespace Mail.Protocols.Pop3.Commands;

/// <summary>One POP3 command. Its states are in <see cref="Pop3StateTable"/>; the session checks them before <see cref="ExecuteAsync"/>.</summary>
internal interface IPop3Command
{
    /// <summary>The wire keyword, upper-case.</summary>
    string Name { get; }

    /// <summary>Runs the command and writes its complete reply.</summary>
    Task ExecuteAsync(Pop3Session session, Pop3Request request, CancellationToken cancellationToken);
}

/// <summary>Every command by keyword.</summary>
internal static class Pop3Commands
{
    public static IReadOnlyDictionary<string, IPop3Command> All { get; } = new IPop3Command[]
    {
        new UserCommand(), new PassCommand(), new AuthCommand(), new StlsCommand(), new CapaCommand(), new QuitCommand(),
        new StatCommand(), new ListCommand(), new UidlCommand(), new RetrCommand(), new TopCommand(), new DeleCommand(),
        new RsetCommand(), new NoopCommand(), new Utf8Command(),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);
}

using Mail.Shared.Directory;

namespace Mail.Web.Admin;

/// <summary>What a command gets: its positional arguments, the directory, the password (if it reads one) and the output streams.</summary>
internal sealed class AdminCommandContext(IReadOnlyList<string> arguments, IDirectoryAdmin directory, string? password, TextWriter output, TextWriter error, IServiceProvider? services = null)
{
    /// <summary>The admin host's services (configuration, data path), for commands beyond the directory.</summary>
    public IServiceProvider Services { get; } = services ?? EmptyServices.Instance;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    public IDirectoryAdmin Directory { get; } = directory;

    /// <summary>The first line of standard input when the command reads a password; never from argv.</summary>
    public string Password => password ?? throw new InvalidOperationException("This command does not read a password.");

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Writes <c>admin: message</c> to standard error and returns <see cref="AdminExitCodes.Failed"/>.</summary>
    public int Fail(string message)
    {
        Error.WriteLine("admin: " + message);
        return AdminExitCodes.Failed;
    }

    /// <summary>Maps a directory change result to a message and an exit code.</summary>
    public int Report(DirectoryChangeResult result, string subject, string done) => result switch
    {
        DirectoryChangeResult.Done => Ok(done),
        DirectoryChangeResult.AlreadyExists => Fail($"{subject} already exists"),
        DirectoryChangeResult.UnknownDomain => Fail($"the domain of {subject} is not a local domain (add it with: admin domain add <domain>)"),
        DirectoryChangeResult.UnknownUser => Fail($"no such user: {subject}"),
        DirectoryChangeResult.InvalidAddress => Fail($"not a valid address: {subject}"),
        _ => Fail($"{subject}: {result}"),
    };

    private int Ok(string message)
    {
        Output.WriteLine(message);
        return AdminExitCodes.Ok;
    }
}

/// <summary>A service provider with no services (contexts built without a host).</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static EmptyServices Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}

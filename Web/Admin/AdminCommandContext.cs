using Mail.Shared.Directory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mail.Web.Admin;

/// <summary>What a command gets: its positional arguments, the directory, the password (if it reads one) and the output streams.</summary>
internal sealed class AdminCommandContext(IReadOnlyList<string> arguments, IDirectoryAdmin directory, string? password, TextWriter output, TextWriter error, IServiceProvider? services = null)
{
    /// <summary>The admin host's services (configuration, data path), for commands beyond the directory.</summary>
    public IServiceProvider Services { get; } = services ?? EmptyServices.Instance;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    public IDirectoryAdmin Directory { get; } = directory;

    /// <summary>The directory operations shared with the web admin panel, on <see cref="Directory"/>.</summary>
    public DirectoryAdministration Administration => _administration ??= new DirectoryAdministration(
        Directory, Services.GetService<ILoggerFactory>()?.CreateLogger<DirectoryAdministration>() ?? NullLogger<DirectoryAdministration>.Instance);

    /// <summary>Who runs the command, for the audit log: <c>cli:&lt;os user&gt;</c>.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    private DirectoryAdministration? _administration;

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

    /// <summary>Maps an <see cref="AdminChange"/> of <see cref="DirectoryAdministration"/> to a message and an exit code.</summary>
    public int Report(AdminChange change, string done)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Status switch
        {
            AdminChangeStatus.Done => Ok(done),
            AdminChangeStatus.AlreadyExists => Fail($"{change.Subject} already exists"),
            AdminChangeStatus.UnknownDomain => Fail($"the domain of {change.Subject} is not a local domain (add it with: admin domain add <domain>)"),
            AdminChangeStatus.UnknownUser => Fail($"no such user: {change.Subject}"),
            AdminChangeStatus.InvalidAddress => Fail($"not a valid address: {change.Subject}"),
            AdminChangeStatus.InvalidDomain => Fail($"not a valid domain name: {change.Subject}"),
            AdminChangeStatus.SelfAlias => Fail("an alias cannot point to itself"),
            AdminChangeStatus.EmptyPassword => Fail("the password must not be empty"),
            _ => Fail($"{change.Subject}: {change.Status}"),
        };
    }

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

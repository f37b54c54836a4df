using System.Data.Common;
using Mail.Shared.Directory;
using Mail.Web.Admin.Commands;

namespace Mail.Web.Admin;

/// <summary>
/// The management CLI on the server binary: <c>dotnet run --project Web -- admin &lt;noun&gt; &lt;verb&gt; ...</c>.
/// Works on the same configuration and data as the server, also while the server runs (SQLite WAL and
/// busy timeout; MySQL as usual). Exit codes: <see cref="AdminExitCodes"/>.
/// </summary>
internal static class AdminCli
{
    /// <summary>Every command, in help order.</summary>
    public static IReadOnlyList<IAdminCommand> Commands { get; } =
    [
        new DomainAddCommand(),
        new DomainListCommand(),
        new DomainAliasCommand(),
        new DomainAliasRemoveCommand(),
        new DomainAliasListCommand(),
        .. DomainSettingsCommand.All,
        new UserAddCommand(),
        new UserPasswdCommand(),
        new UserListCommand(),
        .. UserForwardCommand.All,
        new AliasAddCommand(),
        new DirectoryExportCommand(),
        new DirectoryImportCommand(),
        new QueueListCommand(),
        new QueueShowCommand(),
        new QueueControlCommand("retry", "try a queued message now"),
        new QueueControlCommand("hold", "stop delivery attempts for a queued message"),
        new QueueControlCommand("release", "resume delivery of a held message, now"),
        new QueueControlCommand("delete", "remove a queued message without a DSN"),
        new TlsReportSendCommand(),
        new DkimGenerateCommand(),
        new SenderListAddCommand(),
        new SenderListRemoveCommand(),
        new SenderListListCommand(),
        new QuarantineListCommand(),
        new QuarantineShowCommand(),
        new QuarantineReleaseCommand(),
        new QuarantineDeleteCommand(),
        new DkimListCommand(),
        new DkimRemoveCommand(),
        .. DrainCommand.All,
    ];

    /// <summary>Runs one admin command on the console; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs one admin command with the given streams; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var line = AdminCommandLine.Parse(args);
        if (line.Error is not null)
        {
            return Usage(error, line.Error);
        }
        if (line.Help || line.Words is [] or ["help"])
        {
            var writer = line.Help || line.Words is ["help"] ? output : error;
            PrintHelp(writer);
            return line.Help || line.Words is ["help"] ? AdminExitCodes.Ok : AdminExitCodes.Usage;
        }
        if (line.Words.Count < 2)
        {
            return Usage(error, $"'{string.Join(' ', line.Words)}' needs a verb");
        }
        // A verb may have two words (domain alias remove): the longest verb that the words start with wins.
        var command = Commands
            .Where(c => c.Noun == line.Words[0] && VerbWords(c) is var verb && line.Words.Skip(1).Take(verb.Length).SequenceEqual(verb, StringComparer.Ordinal))
            .MaxBy(c => VerbWords(c).Length);
        if (command is null)
        {
            return Usage(error, $"unknown command '{line.Words[0]} {line.Words[1]}'");
        }
        var arguments = line.Words.Skip(1 + VerbWords(command).Length).ToList();
        if (arguments.Count != command.Arguments.Count)
        {
            return Usage(error, $"usage: admin {Synopsis(command)}");
        }
        if (command.ReadsPassword != line.PasswordStdin)
        {
            return Usage(error, command.ReadsPassword
                ? $"{command.Noun} {command.Verb} reads the password from standard input: add --password-stdin"
                : $"{command.Noun} {command.Verb} takes no password");
        }

        string? password = null;
        if (command.ReadsPassword)
        {
            password = await input.ReadLineAsync(cancellationToken);
            if (string.IsNullOrEmpty(password))
            {
                error.WriteLine("admin: no password on standard input (the first line is the password; it must not be empty)");
                return AdminExitCodes.Failed;
            }
        }

        try
        {
            await using var app = await AdminHost.StartAsync(line.ConfigurationArgs, cancellationToken);
            var context = new AdminCommandContext(arguments, AdminHost.Directory(app), password, output, error, app.Services);
            return await command.RunAsync(context, cancellationToken);
        }
        catch (DirectoryUnavailableException ex) when (ex.InnerException is not DbException)
        {
            // LDAP: the message names the master and says that changes wait for it.
            error.WriteLine($"admin: the directory is not available: {ex.Message}");
            return AdminExitCodes.Failed;
        }
        catch (Exception ex) when (ex is DirectoryUnavailableException or DbException or InvalidOperationException { InnerException: DbException })
        {
            error.WriteLine($"admin: the platform database is not available: {(ex.InnerException ?? ex).Message}");
            return AdminExitCodes.Failed;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            error.WriteLine($"admin: configuration error: {ex.Message}");
            return AdminExitCodes.Failed;
        }
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine("admin: " + message);
        error.WriteLine("Try 'admin --help'.");
        return AdminExitCodes.Usage;
    }

    private static string[] VerbWords(IAdminCommand command) => command.Verb.Split(' ');

    private static string Synopsis(IAdminCommand command) =>
        string.Join(' ', new[] { command.Noun, command.Verb }.Concat(command.Arguments).Concat(command.ReadsPassword ? ["--password-stdin"] : []));

    private static void PrintHelp(TextWriter writer)
    {
        writer.WriteLine("Usage: admin <command> [--Section:Key=Value ...]");
        writer.WriteLine();
        writer.WriteLine("Manages domains, users and aliases of the built-in directory, on the same");
        writer.WriteLine("configuration and data as the server (safe while the server runs).");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        foreach (var command in Commands)
        {
            writer.WriteLine($"  {Synopsis(command),-50} {command.Description}");
        }
        writer.WriteLine();
        writer.WriteLine("Options:");
        writer.WriteLine("  --password-stdin          read the password from the first line of standard input");
        writer.WriteLine("  --Mail:DataPath=<path>    any configuration key, as for the server");
        writer.WriteLine("  -h, --help                show this help");
        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 done, 1 failed (e.g. unknown domain, user exists), 2 usage error.");
        writer.WriteLine("Example: echo 'secret' | dotnet run --project Web -- admin user add alice@example.com --password-stdin");
    }
}

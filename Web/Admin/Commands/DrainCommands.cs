using Mail.Protocols.Smtp;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin drain on|off|status</c>: drain for maintenance (<see cref="SmtpInDrain"/>). <c>on</c> creates the flag
/// file <c>{DataPath}/smtp-in/drain</c>, <c>off</c> removes it; both then wait up to <see cref="Wait"/> for the
/// running node's status file to show the new state and print it (<c>draining in-flight=N</c>). <c>status</c> prints
/// the node's status line. With no node running, the flag is kept and honoured at its next start.
/// Exit code 0 once the node confirmed (or for <c>status</c>), <see cref="AdminExitCodes.Failed"/> when no node confirmed.
/// </summary>
internal sealed class DrainCommand(string verb, string description) : IAdminCommand
{
    /// <summary>How long <c>on</c> and <c>off</c> wait for the node to confirm.</summary>
    public static TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every drain command, in help order.</summary>
    public static IReadOnlyList<IAdminCommand> All { get; } =
    [
        new DrainCommand("on", "SMTP-in stops accepting connections (421 4.3.2) and lets open sessions finish"),
        new DrainCommand("off", "SMTP-in accepts connections again"),
        new DrainCommand("status", "whether SMTP-in drains, and its open sessions (in-flight=N)"),
    ];

    public string Noun => "drain";
    public string Verb => verb;
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => description;

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var options = context.Services.GetService(typeof(IOptions<MailOptions>)) as IOptions<MailOptions>
            ?? throw new InvalidOperationException("no mail configuration");
        var dataPath = options.Value.FullDataPath;
        var flag = SmtpInDrain.FlagPath(dataPath);
        var flagged = File.Exists(flag);
        if (verb == "status")
        {
            var status = ReadStatus(dataPath);
            context.Output.WriteLine(status ?? "no SMTP-in node reports (is the server running?)");
            context.Output.WriteLine(flagged ? "drain flag: set" : "drain flag: not set");
            return AdminExitCodes.Ok;
        }

        var draining = verb == "on";
        if (draining && !flagged)
        {
            Directory.CreateDirectory(SmtpInDrain.Folder(dataPath));
            await File.WriteAllTextAsync(flag, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\n", cancellationToken);
        }
        else if (!draining && flagged)
        {
            File.Delete(flag);
        }
        var expected = draining ? "draining " : "accepting ";
        var deadline = DateTime.UtcNow + Wait;
        string? current;
        while ((current = ReadStatus(dataPath)) is null || !current.StartsWith(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return context.Fail($"drain {verb} requested; no SMTP-in node confirmed it within {Wait.TotalSeconds:0} s (a node applies it when it starts)");
            }
            await Task.Delay(50, cancellationToken);
        }
        context.Output.WriteLine(current);
        return AdminExitCodes.Ok;
    }

    private static string? ReadStatus(string dataPath)
    {
        try
        {
            return File.ReadAllText(SmtpInDrain.StatusPath(dataPath)).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}

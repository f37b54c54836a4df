using System.Globalization;
using Mail.Protocols.Smtp.Outbound;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin queue list</c>: one line per queued message: id, arrival (UTC), size, attempts, next attempt,
/// held flag, sender, then each pending recipient with its last reply. Reads the entry files directly
/// (they are replaced by rename, so each is a consistent snapshot) and works with the server stopped too.
/// </summary>
internal sealed class QueueListCommand : IAdminCommand
{
    public string Noun => "queue";
    public string Verb => "list";
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => "list the outbound queue";

    public Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var entries = QueueAccess.Administration(context).List();
        foreach (var entry in entries)
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{entry.Id} {entry.Created:yyyy-MM-ddTHH:mm:ssZ} {entry.Size,9} attempts={entry.Attempts} next={entry.NextAttempt:yyyy-MM-ddTHH:mm:ssZ}{(entry.Held ? " HELD" : "")} <{entry.Sender}>"));
            foreach (var recipient in entry.Recipients.Where(r => r.Status == OutboundRecipientStatus.Pending))
            {
                context.Output.WriteLine($"    <{recipient.Address}> {recipient.LastReply ?? "(not tried yet)"}");
            }
        }
        context.Output.WriteLine($"-- {entries.Count} message(s) in the queue");
        return Task.FromResult(AdminExitCodes.Ok);
    }
}

/// <summary><c>admin queue show &lt;id&gt;</c>: the entry (every recipient with status and last reply) and the message header.</summary>
internal sealed class QueueShowCommand : IAdminCommand
{
    public string Noun => "queue";
    public string Verb => "show";
    public IReadOnlyList<string> Arguments { get; } = ["<id>"];
    public bool ReadsPassword => false;
    public string Description => "show a queued message's envelope, recipient states and header";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var queue = QueueAccess.Administration(context);
        var id = context.Arguments[0];
        if (queue.Find(id) is not { } entry)
        {
            return context.Fail($"no such queued message: {id}");
        }
        var o = context.Output;
        o.WriteLine($"id:        {entry.Id}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"arrived:   {entry.Created:O}"));
        o.WriteLine($"sender:    <{entry.Sender}>{(entry.AuthenticatedUser is null ? "" : " (authenticated as " + entry.AuthenticatedUser + ")")}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"size:      {entry.Size} octets"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"attempts:  {entry.Attempts}, next {entry.NextAttempt:O}{(entry.Held ? ", HELD" : "")}"));
        foreach (var r in entry.Recipients)
        {
            o.WriteLine($"recipient: <{r.Address}> {r.Status.ToString().ToLowerInvariant()}{(r.RemoteMta is null ? "" : " via " + r.RemoteMta)}: {r.LastReply ?? "-"}");
        }
        o.WriteLine();
        if (await queue.ReadHeaderAsync(id, cancellationToken) is not { } header)
        {
            return context.Fail($"{id} left the queue meanwhile");
        }
        foreach (var line in header)
        {
            o.WriteLine(line);
        }
        return AdminExitCodes.Ok;
    }
}

/// <summary>
/// <c>admin queue retry|hold|release|delete &lt;id&gt;</c>. The server is the only writer of the queue, so the
/// CLI drops a request file (<c>queue/control/&lt;id&gt;.&lt;verb&gt;</c>, created by rename) that the running
/// Outbound role applies at once (a message being delivered right now gets it after that attempt), then waits
/// up to 10 s for it to be applied (the server deletes the file only then). When no server takes it, the request stays and is applied at the next start.
/// </summary>
internal sealed class QueueControlCommand(string verb, string description) : IAdminCommand
{
    /// <summary>How long the CLI waits for the server to take the request.</summary>
    public static TimeSpan Wait { get; set; } = QueueAdministration.DefaultWait;

    public string Noun => "queue";
    public string Verb => verb;
    public IReadOnlyList<string> Arguments { get; } = ["<id>"];
    public bool ReadsPassword => false;
    public string Description => description;

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var id = context.Arguments[0];
        var outcome = await QueueAccess.Administration(context).ControlAsync(AdminCommandContext.Actor, id, verb, Wait, cancellationToken);
        if (outcome == QueueControlOutcome.NotFound)
        {
            return context.Fail($"no such queued message: {id}");
        }
        context.Output.WriteLine(outcome == QueueControlOutcome.Requested
            ? $"{id}: {verb} requested; the Outbound role applies it when it runs"
            : $"{id}: {verb} done");
        return AdminExitCodes.Ok;
    }
}

/// <summary>The queue of the configured data path.</summary>
internal static class QueueAccess
{
    public static OutboundQueueStore Store(AdminCommandContext context)
    {
        var options = context.Services.GetService(typeof(IOptions<MailOptions>)) as IOptions<MailOptions>
            ?? throw new InvalidOperationException("no mail configuration");
        return new OutboundQueueStore(options.Value.FullDataPath);
    }

    /// <summary>The queue operations shared with the web admin panel, on <see cref="Store"/>.</summary>
    public static QueueAdministration Administration(AdminCommandContext context) =>
        new(Store(context), context.Services.GetService<ILoggerFactory>()?.CreateLogger<QueueAdministration>()
            ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<QueueAdministration>.Instance);
}

using System.Globalization;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Quarantine;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin quarantine list|show|release|delete</c>: the node's quarantine (<see cref="IQuarantineStore"/>, files under
/// <c>{DataPath}/filters/quarantine</c>), every account's entries. A release is asked for here and delivered by the
/// running SMTP-in node (<see cref="QuarantineReleaser"/>); the command waits up to <see cref="ReleaseWait"/> for it.
/// </summary>
internal abstract class QuarantineCommand : IAdminCommand
{
    /// <summary>How long <c>release</c> waits for the node to deliver before saying it is pending.</summary>
    public static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(30);

    public string Noun => "quarantine";
    public abstract string Verb { get; }
    public abstract IReadOnlyList<string> Arguments { get; }
    public bool ReadsPassword => false;
    public abstract string Description { get; }

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var configuration = context.Services.GetRequiredService<IConfiguration>();
        var filters = configuration.GetSection(FilterOptions.Section).Get<FilterOptions>() ?? new FilterOptions();
        using var store = new SqliteQuarantineStore(context.Services.GetRequiredService<IOptions<MailOptions>>(), Options.Create(filters), TimeProvider.System);
        return await RunAsync(context, store, cancellationToken);
    }

    protected abstract Task<int> RunAsync(AdminCommandContext context, IQuarantineStore store, CancellationToken cancellationToken);

    protected static string Line(QuarantineEntry e) => string.Create(CultureInfo.InvariantCulture,
        $"{e.Id}\t{e.State.ToString().ToLowerInvariant()}\t{e.Reason.ToString().ToLowerInvariant()}\t{e.Account}\t{e.ReceivedAt:yyyy-MM-ddTHH:mm:ssZ}\t{e.Size}\t<{e.Sender}>\t{e.Subject}");
}

/// <summary><c>admin quarantine list &lt;account|domain|all&gt;</c>: one tab-separated line per entry, newest first.</summary>
internal sealed class QuarantineListCommand : QuarantineCommand
{
    public override string Verb => "list";
    public override IReadOnlyList<string> Arguments { get; } = ["<account|domain|all>"];
    public override string Description => "list quarantined messages (id, state, reason, account, received, octets, sender, subject)";

    protected override async Task<int> RunAsync(AdminCommandContext context, IQuarantineStore store, CancellationToken cancellationToken)
    {
        var who = context.Arguments[0];
        var account = who.Contains('@', StringComparison.Ordinal) ? who : null;
        var entries = (await store.ListAsync(account, cancellationToken))
            .Where(e => account is not null || who == "all" || e.Account.EndsWith("@" + who, StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var entry in entries)
        {
            context.Output.WriteLine(Line(entry));
        }
        context.Output.WriteLine($"-- {entries.Count} quarantined message(s)");
        return AdminExitCodes.Ok;
    }
}

/// <summary><c>admin quarantine show &lt;id&gt;</c>: the entry and the kept message's header.</summary>
internal sealed class QuarantineShowCommand : QuarantineCommand
{
    public override string Verb => "show";
    public override IReadOnlyList<string> Arguments { get; } = ["<id>"];
    public override string Description => "show a quarantined message's entry and header";

    protected override async Task<int> RunAsync(AdminCommandContext context, IQuarantineStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(null, context.Arguments[0], cancellationToken) is not { } e)
        {
            return context.Fail($"no such quarantine entry: {context.Arguments[0]}");
        }
        var o = context.Output;
        o.WriteLine($"id:        {e.Id}");
        o.WriteLine($"account:   {e.Account}");
        o.WriteLine($"queue id:  {e.QueueId}");
        o.WriteLine($"reason:    {e.Reason.ToString().ToLowerInvariant()}: {e.Detail}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"received:  {e.ReceivedAt:O}, expires {e.ExpiresAt:O}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"state:     {e.State.ToString().ToLowerInvariant()}{(e.ReleasedAt is { } at ? $" at {at:O}, INBOX UID {e.ReleasedUid}" : "")}{(e.LastError is null ? "" : ", last release failed: " + e.LastError)}"));
        o.WriteLine($"sender:    <{e.Sender}>");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"size:      {e.Size} octets"));
        o.WriteLine();
        if (store.OpenMessage(e) is { } message)
        {
            await using (message)
            {
                using var reader = new StreamReader(message);
                while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
                {
                    o.WriteLine(line);
                }
            }
        }
        return AdminExitCodes.Ok;
    }
}

/// <summary><c>admin quarantine release &lt;id&gt;</c>: asks for the release and waits for the SMTP-in node to deliver it to the INBOX.</summary>
internal sealed class QuarantineReleaseCommand : QuarantineCommand
{
    public override string Verb => "release";
    public override IReadOnlyList<string> Arguments { get; } = ["<id>"];
    public override string Description => "deliver a quarantined message to its recipient's INBOX (once)";

    protected override async Task<int> RunAsync(AdminCommandContext context, IQuarantineStore store, CancellationToken cancellationToken)
    {
        var id = context.Arguments[0];
        switch (await store.RequestReleaseAsync(null, id, cancellationToken))
        {
            case QuarantineChange.NotFound:
                return context.Fail($"no such quarantine entry: {id}");
            case QuarantineChange.AlreadyReleased:
                return context.Fail($"{id} is already released or being released");
        }
        var deadline = DateTimeOffset.UtcNow + ReleaseWait;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var entry = await store.FindAsync(null, id, cancellationToken);
            if (entry is { State: QuarantineState.Released })
            {
                context.Output.WriteLine($"{id}: released to the INBOX of {entry.Account} (UID {entry.ReleasedUid})");
                return AdminExitCodes.Ok;
            }
            if (entry is { State: QuarantineState.Held, LastError: { } error })
            {
                return context.Fail($"{id}: release failed, kept: {error}");
            }
            await Task.Delay(200, cancellationToken);
        }
        context.Output.WriteLine($"{id}: release requested; the SMTP-in node delivers it when it runs");
        return AdminExitCodes.Ok;
    }
}

/// <summary><c>admin quarantine delete &lt;id&gt;</c>.</summary>
internal sealed class QuarantineDeleteCommand : QuarantineCommand
{
    public override string Verb => "delete";
    public override IReadOnlyList<string> Arguments { get; } = ["<id>"];
    public override string Description => "delete a quarantined message";

    protected override async Task<int> RunAsync(AdminCommandContext context, IQuarantineStore store, CancellationToken cancellationToken)
    {
        var id = context.Arguments[0];
        return await store.DeleteAsync(null, id, cancellationToken) switch
        {
            QuarantineChange.Deleted => Done(context, $"{id}: deleted"),
            QuarantineChange.Busy => context.Fail($"{id} is being released right now"),
            _ => context.Fail($"no such quarantine entry: {id}"),
        };
    }

    private static int Done(AdminCommandContext context, string message)
    {
        context.Output.WriteLine(message);
        return AdminExitCodes.Ok;
    }
}

using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Lists;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin senders add|remove|list</c>: the sender allow/block lists (<see cref="ISenderListStore"/>) of a
/// user (owner <c>alice@example.com</c>) or a whole domain (owner <c>example.com</c>).
/// </summary>
internal abstract class SenderListCommand : IAdminCommand
{
    public string Noun => "senders";
    public abstract string Verb { get; }
    public abstract IReadOnlyList<string> Arguments { get; }
    public bool ReadsPassword => false;
    public abstract string Description { get; }

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var configuration = context.Services.GetRequiredService<IConfiguration>();
        var filters = configuration.GetSection(FilterOptions.Section).Get<FilterOptions>() ?? new FilterOptions();
        using var store = new SqliteSenderListStore(context.Services.GetRequiredService<IOptions<MailOptions>>(), Options.Create(filters), TimeProvider.System);
        var owner = context.Arguments[0];
        var scope = owner.Contains('@', StringComparison.Ordinal) ? SenderListScope.User : SenderListScope.Domain;
        return await RunAsync(context, store, scope, owner, cancellationToken);
    }

    protected abstract Task<int> RunAsync(AdminCommandContext context, ISenderListStore store, SenderListScope scope, string owner, CancellationToken cancellationToken);

    protected static int Report(AdminCommandContext context, SenderListChange change, string text) => change switch
    {
        SenderListChange.Added or SenderListChange.Updated or SenderListChange.Removed => Done(context, $"{text}: {change.ToString().ToLowerInvariant()}"),
        SenderListChange.Unchanged => Done(context, $"{text}: unchanged"),
        SenderListChange.NotFound => context.Fail($"{text}: no such entry"),
        SenderListChange.InvalidOwner => context.Fail("the owner must be an address (user list) or a domain (domain list)"),
        SenderListChange.InvalidPattern => context.Fail("the pattern must be an address or a domain (@domain and *@domain are accepted)"),
        SenderListChange.LimitReached => context.Fail($"{text}: the list is full (Mail:Filters:Lists:MaxEntriesPerOwner)"),
        _ => context.Fail(change.ToString()),
    };

    private static int Done(AdminCommandContext context, string message)
    {
        context.Output.WriteLine(message);
        return AdminExitCodes.Ok;
    }
}

/// <summary><c>admin senders add &lt;owner&gt; &lt;allow|block&gt; &lt;pattern&gt;</c>.</summary>
internal sealed class SenderListAddCommand : SenderListCommand
{
    public override string Verb => "add";
    public override IReadOnlyList<string> Arguments { get; } = ["<owner>", "<allow|block>", "<pattern>"];
    public override string Description => "allow or block a sender address or domain for a user or domain";

    protected override async Task<int> RunAsync(AdminCommandContext context, ISenderListStore store, SenderListScope scope, string owner, CancellationToken cancellationToken)
    {
        SenderListKind? kind = context.Arguments[1] switch { "allow" => SenderListKind.Allow, "block" => SenderListKind.Block, _ => null };
        if (kind is null)
        {
            return context.Fail("the second argument is 'allow' or 'block'");
        }
        var change = await store.AddAsync(scope, owner, context.Arguments[2], kind.Value, cancellationToken);
        return Report(context, change, $"{owner} {context.Arguments[1]} {context.Arguments[2]}");
    }
}

/// <summary><c>admin senders remove &lt;owner&gt; &lt;pattern&gt;</c>.</summary>
internal sealed class SenderListRemoveCommand : SenderListCommand
{
    public override string Verb => "remove";
    public override IReadOnlyList<string> Arguments { get; } = ["<owner>", "<pattern>"];
    public override string Description => "remove a sender list entry of a user or domain";

    protected override async Task<int> RunAsync(AdminCommandContext context, ISenderListStore store, SenderListScope scope, string owner, CancellationToken cancellationToken) =>
        Report(context, await store.RemoveAsync(scope, owner, context.Arguments[1], cancellationToken), $"{owner} {context.Arguments[1]}");
}

/// <summary><c>admin senders list &lt;owner&gt;</c>: one entry per line, <c>allow|block pattern</c>.</summary>
internal sealed class SenderListListCommand : SenderListCommand
{
    public override string Verb => "list";
    public override IReadOnlyList<string> Arguments { get; } = ["<owner>"];
    public override string Description => "list the sender allow/block entries of a user or domain";

    protected override async Task<int> RunAsync(AdminCommandContext context, ISenderListStore store, SenderListScope scope, string owner, CancellationToken cancellationToken)
    {
        foreach (var entry in await store.ListAsync(scope, owner, cancellationToken))
        {
            context.Output.WriteLine($"{entry.Kind.ToString().ToLowerInvariant(),-5} {entry.Pattern}");
        }
        return AdminExitCodes.Ok;
    }
}

namespace Mail.Web.Admin.Commands;

/// <summary><c>admin domain alias &lt;alias-domain&gt; &lt;domain&gt;</c>: mail to <c>x@alias-domain</c> is delivered as <c>x@domain</c>.</summary>
internal sealed class DomainAliasCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "alias";
    public IReadOnlyList<string> Arguments { get; } = ["<alias-domain>", "<domain>"];
    public bool ReadsPassword => false;
    public string Description => "make a domain name an alias of a local domain";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.AddDomainAliasAsync(AdminCommandContext.Actor, context.Arguments[0], context.Arguments[1], cancellationToken);
        return change.Status == AdminChangeStatus.UnknownDomain
            ? context.Fail($"no such domain: {change.Subject}")
            : context.Report(change, $"domain alias {change.Subject} -> {change.Target} added");
    }
}

/// <summary>
/// <c>admin domain alias remove &lt;alias-domain&gt;</c>: mail to <c>x@alias-domain</c> is refused again (not a local domain);
/// the canonical domain and its users are untouched.
/// </summary>
internal sealed class DomainAliasRemoveCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "alias remove";
    public IReadOnlyList<string> Arguments { get; } = ["<alias-domain>"];
    public bool ReadsPassword => false;
    public string Description => "stop accepting mail for an alias domain";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.RemoveDomainAliasAsync(AdminCommandContext.Actor, context.Arguments[0], cancellationToken);
        return change.Status == AdminChangeStatus.UnknownDomain
            ? context.Fail($"no such alias domain: {change.Subject}")
            : context.Report(change, $"domain alias {change.Subject} removed");
    }
}

/// <summary><c>admin domain alias list</c>: prints <c>alias-domain -&gt; domain</c>, one per line, sorted by alias.</summary>
internal sealed class DomainAliasListCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "alias list";
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => "list the alias domains and their domains";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        foreach (var alias in await context.Directory.ListDomainAliasesAsync(cancellationToken))
        {
            context.Output.WriteLine($"{alias.Alias} -> {alias.Domain}");
        }
        return AdminExitCodes.Ok;
    }
}

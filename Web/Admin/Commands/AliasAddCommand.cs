namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin alias add &lt;alias&gt; &lt;target&gt;</c>: mail to the alias (in a local domain) goes to the target
/// (a user, another alias or a remote address); adding more targets makes a list (<see cref="DirectoryAdministration.AddAliasAsync"/>).
/// </summary>
internal sealed class AliasAddCommand : IAdminCommand
{
    public string Noun => "alias";
    public string Verb => "add";
    public IReadOnlyList<string> Arguments { get; } = ["<alias>", "<target>"];
    public bool ReadsPassword => false;
    public string Description => "add an alias to a user, another alias or a remote address";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.AddAliasAsync(AdminCommandContext.Actor, context.Arguments[0], context.Arguments[1], cancellationToken);
        return change.Status == AdminChangeStatus.AlreadyExists
            ? context.Fail($"{change.Address} is a user or already points to {change.Target}")
            : context.Report(change, $"alias {change.Address} -> {change.Target} added");
    }
}

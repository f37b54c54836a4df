namespace Mail.Web.Admin.Commands;

/// <summary><c>admin domain add &lt;domain&gt;</c>: adds a local virtual domain (stored lower-case), through <see cref="DirectoryAdministration.AddDomainAsync"/>.</summary>
internal sealed class DomainAddCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "add";
    public IReadOnlyList<string> Arguments { get; } = ["<domain>"];
    public bool ReadsPassword => false;
    public string Description => "add a local mail domain";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.AddDomainAsync(AdminCommandContext.Actor, context.Arguments[0], cancellationToken);
        return change.Status == AdminChangeStatus.AlreadyExists
            ? context.Fail($"domain {change.Subject} already exists")
            : context.Report(change, $"domain {change.Subject} added");
    }
}

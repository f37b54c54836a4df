namespace Mail.Web.Admin.Commands;

/// <summary><c>admin domain list</c>: prints the local domains, one per line, sorted.</summary>
internal sealed class DomainListCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "list";
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => "list the local mail domains";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        foreach (var domain in await context.Directory.ListDomainsAsync(cancellationToken))
        {
            context.Output.WriteLine(domain);
        }
        return AdminExitCodes.Ok;
    }
}

using Mail.Shared.Directory;

namespace Mail.Web.Admin.Commands;

/// <summary><c>admin domain add &lt;domain&gt;</c>: adds a local virtual domain (stored lower-case).</summary>
internal sealed class DomainAddCommand : IAdminCommand
{
    public string Noun => "domain";
    public string Verb => "add";
    public IReadOnlyList<string> Arguments { get; } = ["<domain>"];
    public bool ReadsPassword => false;
    public string Description => "add a local mail domain";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var domain = MailAddressText.NormalizeDomain(context.Arguments[0]);
        if (!MailAddressText.IsValidDomain(domain))
        {
            return context.Fail($"not a valid domain name: {context.Arguments[0]}");
        }
        if (!await context.Directory.AddDomainAsync(domain, cancellationToken))
        {
            return context.Fail($"domain {domain} already exists");
        }
        context.Output.WriteLine($"domain {domain} added");
        return AdminExitCodes.Ok;
    }
}

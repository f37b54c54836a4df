namespace Mail.Web.Admin.Commands;

/// <summary><c>admin user add &lt;address&gt; --password-stdin</c>: adds a user in a local domain (<see cref="DirectoryAdministration.AddUserAsync"/>); the password is stored only as a salted hash.</summary>
internal sealed class UserAddCommand : IAdminCommand
{
    public string Noun => "user";
    public string Verb => "add";
    public IReadOnlyList<string> Arguments { get; } = ["<address>"];
    public bool ReadsPassword => true;
    public string Description => "add a user (password: first line of stdin)";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.AddUserAsync(AdminCommandContext.Actor, context.Arguments[0], context.Password, cancellationToken);
        return context.Report(change, $"user {change.Address} added");
    }
}

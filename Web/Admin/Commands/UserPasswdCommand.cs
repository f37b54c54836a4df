namespace Mail.Web.Admin.Commands;

/// <summary><c>admin user passwd &lt;address&gt; --password-stdin</c>: replaces a user's password hash (<see cref="DirectoryAdministration.SetPasswordAsync"/>).</summary>
internal sealed class UserPasswdCommand : IAdminCommand
{
    public string Noun => "user";
    public string Verb => "passwd";
    public IReadOnlyList<string> Arguments { get; } = ["<address>"];
    public bool ReadsPassword => true;
    public string Description => "set a user's password (first line of stdin)";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var change = await context.Administration.SetPasswordAsync(AdminCommandContext.Actor, context.Arguments[0], context.Password, cancellationToken);
        return context.Report(change, $"password of {change.Address} changed");
    }
}

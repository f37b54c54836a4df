using System.Globalization;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin user list</c>: one user per line, sorted, tab-separated:
/// address, <c>enabled</c>/<c>disabled</c>, quota in octets (0 = unlimited), mail host (<c>-</c> = this node), display name.
/// </summary>
internal sealed class UserListCommand : IAdminCommand
{
    public string Noun => "user";
    public string Verb => "list";
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => "list users: address, status, quota octets, mail host, display name";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        foreach (var user in await context.Directory.ListUsersAsync(cancellationToken))
        {
            context.Output.WriteLine(string.Join('\t',
                user.Address,
                user.Enabled ? "enabled" : "disabled",
                user.QuotaBytes.ToString(CultureInfo.InvariantCulture),
                user.MailHost.Length == 0 ? "-" : user.MailHost,
                user.DisplayName));
        }
        return AdminExitCodes.Ok;
    }
}

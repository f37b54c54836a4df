namespace Mail.Web.Admin.Commands;

/// <summary><c>admin user passwd &lt;address&gt; --password-stdin</c>: replaces a user's password hash.</summary>
internal sealed class UserPasswdCommand : IAdminCommand
{
    public string Noun => "user";
    public string Verb => "passwd";
    public IReadOnlyList<string> Arguments { get; } = ["<address>"];
    public bool ReadsPassword => true;
    public string Description => "set a user's password (first line of stdin)";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var address = context.Arguments[0];
        var result = await context.Directory.SetPasswordAsync(address, context.Password, cancellationToken);
        return context.Report(result, address, $"password of {Mail.Shared.Directory.MailAddressText.Normalize(address)} changed");
    }
}

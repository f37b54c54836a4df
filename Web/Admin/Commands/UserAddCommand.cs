namespace Mail.Web.Admin.Commands;

/// <summary><c>admin user add &lt;address&gt; --password-stdin</c>: adds a user in a local domain; the password is stored only as a salted hash.</summary>
internal sealed class UserAddCommand : IAdminCommand
{
    public string Noun => "user";
    public string Verb => "add";
    public IReadOnlyList<string> Arguments { get; } = ["<address>"];
    public bool ReadsPassword => true;
    public string Description => "add a user (password: first line of stdin)";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var address = context.Arguments[0];
        var result = await context.Directory.AddUserAsync(address, context.Password, cancellationToken);
        return context.Report(result, address, $"user {Mail.Shared.Directory.MailAddressText.Normalize(address)} added");
    }
}

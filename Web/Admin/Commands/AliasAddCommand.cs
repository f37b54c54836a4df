using Mail.Shared.Directory;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin alias add &lt;alias&gt; &lt;target&gt;</c>: mail to the alias (in a local domain) goes to the target
/// (a user, another alias or a remote address); adding more targets makes a list.
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
        var (alias, target) = (context.Arguments[0], context.Arguments[1]);
        if (!MailAddressText.TryParse(target, out var normalizedTarget, out _, out _))
        {
            return context.Fail($"not a valid address: {target}");
        }
        if (MailAddressText.Normalize(alias) == normalizedTarget)
        {
            return context.Fail("an alias cannot point to itself");
        }
        var result = await context.Directory.AddAliasAsync(alias, target, cancellationToken);
        return result == DirectoryChangeResult.AlreadyExists
            ? context.Fail($"{MailAddressText.Normalize(alias)} is a user or already points to {normalizedTarget}")
            : context.Report(result, alias, $"alias {MailAddressText.Normalize(alias)} -> {normalizedTarget} added");
    }
}

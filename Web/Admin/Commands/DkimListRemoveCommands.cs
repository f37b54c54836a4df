using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary><c>admin dkim list &lt;domain&gt;</c>: the domain's selectors, the current one marked, each with its DNS record.</summary>
internal sealed class DkimListCommand : IAdminCommand
{
    public string Noun => "dkim";
    public string Verb => "list";
    public IReadOnlyList<string> Arguments { get; } = ["<domain>"];
    public bool ReadsPassword => false;
    public string Description => "DKIM selectors of a domain (current one marked) with their DNS records";

    public Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var domain = context.Arguments[0].Trim().TrimEnd('.').ToLowerInvariant();
        var keys = DkimCommands.Keys(context);
        foreach (var (selector, current) in keys.List(domain))
        {
            context.Output.WriteLine($"{selector}{(current ? " (current)" : "")}\t{selector}._domainkey.{domain}. IN TXT \"{keys.RecordText(domain, selector)}\"");
        }
        return Task.FromResult(AdminExitCodes.Ok);
    }
}

/// <summary>
/// <c>admin dkim remove &lt;domain&gt; &lt;selector&gt;</c>: deletes a key left by rotation (not the current one), once
/// its DNS record was withdrawn and mail signed with it has been delivered.
/// </summary>
internal sealed class DkimRemoveCommand : IAdminCommand
{
    public string Noun => "dkim";
    public string Verb => "remove";
    public IReadOnlyList<string> Arguments { get; } = ["<domain>", "<selector>"];
    public bool ReadsPassword => false;
    public string Description => "delete an old DKIM key (not the current one)";

    public Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var domain = context.Arguments[0].Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            DkimCommands.Keys(context).Remove(domain, context.Arguments[1].Trim());
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FileNotFoundException)
        {
            return Task.FromResult(context.Fail(ex.Message));
        }
        context.Output.WriteLine($"removed DKIM key {context.Arguments[1].Trim()} of {domain}");
        return Task.FromResult(AdminExitCodes.Ok);
    }
}

internal static class DkimCommands
{
    public static DkimKeyStore Keys(AdminCommandContext context) =>
        new(((IOptions<MailOptions>)context.Services.GetService(typeof(IOptions<MailOptions>))!).Value.FullDataPath);
}

using System.Globalization;
using Mail.Shared.Directory;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// Domain settings, the same on the SQL and the LDAP directory (<see cref="IDirectoryAdmin.UpdateDomainAsync"/>):
/// <c>admin domain enable|disable &lt;domain&gt;</c>, <c>admin domain catch-all &lt;domain&gt; &lt;address|none&gt;</c>,
/// <c>admin domain quota &lt;domain&gt; &lt;octets&gt;</c> (whole domain, 0 = unlimited) and
/// <c>admin domain default-quota &lt;domain&gt; &lt;octets&gt;</c> (users added later).
/// </summary>
internal sealed class DomainSettingsCommand : IAdminCommand
{
    private readonly Func<string, DomainSettingsChange?> _change;
    private readonly Func<string, string, string> _done;

    private DomainSettingsCommand(string verb, string? valueArgument, string description, Func<string, DomainSettingsChange?> change, Func<string, string, string> done)
    {
        Verb = verb;
        Arguments = valueArgument is null ? ["<domain>"] : ["<domain>", valueArgument];
        Description = description;
        _change = change;
        _done = done;
    }

    /// <summary>The five commands.</summary>
    public static IEnumerable<IAdminCommand> All { get; } =
    [
        new DomainSettingsCommand("enable", null, "accept mail for a disabled domain again", _ => new DomainSettingsChange(Enabled: true), (d, _) => $"domain {d} enabled"),
        new DomainSettingsCommand("disable", null, "refuse mail for every address of a domain (550 5.1.1)", _ => new DomainSettingsChange(Enabled: false), (d, _) => $"domain {d} disabled"),
        new DomainSettingsCommand("catch-all", "<address|none>", "deliver mail for unknown addresses of a domain to an address",
            v => new DomainSettingsChange(CatchAll: v.Equals("none", StringComparison.OrdinalIgnoreCase) ? "" : v),
            (d, v) => v.Equals("none", StringComparison.OrdinalIgnoreCase) ? $"domain {d} has no catch-all" : $"domain {d} catch-all {MailAddressText.Normalize(v)}"),
        new DomainSettingsCommand("quota", "<octets>", "set the storage quota of a whole domain (0 = unlimited)",
            v => ParseOctets(v) is { } q ? new DomainSettingsChange(Quota: q) : null, (d, v) => $"domain {d} quota {v}"),
        new DomainSettingsCommand("default-quota", "<octets>", "set the quota of users added later to a domain (0 = unlimited)",
            v => ParseOctets(v) is { } q ? new DomainSettingsChange(DefaultQuota: q) : null, (d, v) => $"domain {d} default quota {v}"),
    ];

    public string Noun => "domain";
    public string Verb { get; }
    public IReadOnlyList<string> Arguments { get; }
    public bool ReadsPassword => false;
    public string Description { get; }

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var domain = MailAddressText.NormalizeDomain(context.Arguments[0]);
        var value = context.Arguments.Count > 1 ? context.Arguments[1] : "";
        if (_change(value) is not { } change)
        {
            return context.Fail($"not a number of octets: {value}");
        }
        var result = await context.Directory.UpdateDomainAsync(domain, change, cancellationToken);
        return result switch
        {
            DirectoryChangeResult.UnknownDomain => context.Fail($"no such domain: {domain}"),
            DirectoryChangeResult.InvalidAddress => context.Fail($"not a valid address: {value}"),
            _ => context.Report(result, domain, _done(domain, value)),
        };
    }

    private static long? ParseOctets(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var octets) ? octets : null;
}

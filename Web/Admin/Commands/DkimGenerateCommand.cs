using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin dkim generate &lt;domain&gt;</c>: creates a new RSA-2048 key under <c>{DataPath}/dkim/&lt;domain&gt;/</c>,
/// makes it the signing key for mail from that domain (rotation: the previous key stays on disk), and prints
/// the DNS TXT record to publish (RFC 6376 §3.6.1). Publish the record before mail is signed with it.
/// </summary>
internal sealed class DkimGenerateCommand : IAdminCommand
{
    public string Noun => "dkim";
    public string Verb => "generate";
    public IReadOnlyList<string> Arguments { get; } = ["<domain>"];
    public bool ReadsPassword => false;
    public string Description => "new DKIM key for a domain (rotates); prints the DNS TXT record";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var domain = context.Arguments[0].Trim().TrimEnd('.').ToLowerInvariant();
        if (!(await context.Directory.ListDomainsAsync(cancellationToken)).Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return context.Fail($"{domain} is not a local domain (add it with: admin domain add <domain>)");
        }
        var options = (IOptions<MailOptions>)context.Services.GetService(typeof(IOptions<MailOptions>))!;
        var keys = new DkimKeyStore(options.Value.FullDataPath);
        var (selector, name, record) = keys.Generate(domain, DateTimeOffset.UtcNow);
        context.Output.WriteLine($"; DKIM key for {domain}, selector {selector}; publish, then mail from {domain} is signed with it");
        context.Output.WriteLine($"{name}. IN TXT ( {Chunk(record)} )");
        return AdminExitCodes.Ok;
    }

    /// <summary>Splits the record into quoted strings of at most 255 characters (RFC 1035 §3.3.14).</summary>
    private static string Chunk(string record) =>
        string.Join(" ", record.Chunk(250).Select(c => "\"" + new string(c) + "\""));
}

using Mail.Protocols.Smtp.Outbound.TlsReporting;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Commands;

/// <summary>
/// <c>admin tlsrpt send</c>: asks the running Outbound role to send the TLS reports (RFC 8460) of the period so far
/// now instead of after midnight UTC, by a request file it polls every second; waits up to 30 s for it to be taken.
/// </summary>
internal sealed class TlsReportSendCommand : IAdminCommand
{
    /// <summary>How long the CLI waits for the server to take the request.</summary>
    public static TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(30);

    public string Noun => "tlsrpt";
    public string Verb => "send";
    public IReadOnlyList<string> Arguments { get; } = [];
    public bool ReadsPassword => false;
    public string Description => "send the TLS reports (RFC 8460) of the period so far now";

    public async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var options = context.Services.GetService(typeof(IOptions<MailOptions>)) as IOptions<MailOptions>
            ?? throw new InvalidOperationException("no mail configuration");
        var path = TlsReportControl.RequestSendNow(options.Value.FullDataPath);
        var deadline = DateTime.UtcNow + Wait;
        while (File.Exists(path) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
        context.Output.WriteLine(File.Exists(path)
            ? "TLS reports requested; the Outbound role sends them when it runs (with Mail:Outbound:TlsReporting:Address set)"
            : "TLS reports sent");
        return AdminExitCodes.Ok;
    }
}

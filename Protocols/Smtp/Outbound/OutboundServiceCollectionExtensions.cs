using Mail.Protocols.Authentication;
using Mail.Protocols.Filtering;
using Mail.Protocols.Smtp.Forwarding;
using Mail.Protocols.Smtp.Outbound.Dkim;
using Mail.Protocols.Smtp.Submission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>Registers Submission and Outbound services.</summary>
public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// Adds the submission listeners (endpoints <c>Submission</c> and <c>SubmissionTls</c>, options
    /// <c>Mail:Submission</c>), which queue into the outbound queue. Needs <c>IMailDirectory</c> and AddMailCore's services.
    /// </summary>
    public static IServiceCollection AddSubmission(this IServiceCollection services)
    {
        services.AddOutboundQueue();
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section);
        services.AddMailAuthentication();
        services.AddMailFilters();
        services.AddHostedService<SubmissionListener>();
        return services;
    }

    /// <summary>
    /// Adds queue delivery (options <c>Mail:Outbound</c>): MX delivery, the local shortcut (when the node also
    /// has an <c>IMailStore</c>), retries and DSNs, and TLS reports (<c>Mail:Outbound:TlsReporting</c>, RFC 8460).
    /// </summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services)
    {
        services.AddOutboundQueue();
        services.TryAddSingleton<OutboundDns>();
        services.TryAddSingleton<Tls.CertificateVerifier>();
        services.TryAddSingleton<Tls.MtaStsPolicyStore>();
        services.TryAddSingleton<Tls.MtaStsResolver>();
        services.TryAddSingleton<Tls.TlsPolicyResolver>();
        services.AddOptions<TlsReporting.TlsReportOptions>().BindConfiguration(TlsReporting.TlsReportOptions.Section);
        services.TryAddSingleton<TlsReporting.TlsReportCollector>();
        services.TryAddSingleton<TlsReporting.TlsReportSender>();
        services.AddHostedService(sp => sp.GetRequiredService<TlsReporting.TlsReportSender>());
        services.TryAddSingleton<SmtpDeliveryAgent>();
        services.AddForwarding();
        services.TryAddSingleton<LocalDeliveryAgent>();
        services.TryAddSingleton<OutboundScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboundScheduler>());
        return services;
    }

    /// <summary>The queue files and DKIM keys, shared by Submission and Outbound (and the admin CLI).</summary>
    public static IServiceCollection AddOutboundQueue(this IServiceCollection services)
    {
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section);
        services.TryAddSingleton<OutboundQueueStore>();
        services.TryAddSingleton<DkimKeyStore>();
        services.TryAddSingleton<DkimMessageSigner>();
        return services;
    }
}

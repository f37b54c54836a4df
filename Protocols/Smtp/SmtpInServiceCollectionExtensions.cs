using Mail.Protocols.Filtering;
using Mail.Protocols.Smtp.Forwarding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Smtp;

/// <summary>Registers the SmtpIn services of the node.</summary>
public static class SmtpInServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MX listener (endpoint <c>SmtpIn</c>) with <see cref="SmtpInOptions"/> bound from
    /// <c>Mail:SmtpIn</c>, the scan stage (<see cref="FilteringServiceCollectionExtensions.AddMailFilters"/>) and the quarantine's
    /// release/expiry worker (<see cref="Filtering.Quarantine.QuarantineReleaser"/>). Needs <c>IMailDirectory</c>, <c>IMailStore</c> and AddMailCore's services.
    /// </summary>
    public static IServiceCollection AddSmtpIn(this IServiceCollection services)
    {
        services.AddOptions<SmtpInOptions>().BindConfiguration(SmtpInOptions.Section);
        services.AddMailFilters();
        services.AddForwarding();
        services.TryAddSingleton<SmtpInDrain>();
        services.AddHostedService<SmtpInListener>();
        // Releases from the quarantine are delivered by the node that quarantined them (it has the store).
        services.AddHostedService<Filtering.Quarantine.QuarantineReleaser>();
        return services;
    }
}

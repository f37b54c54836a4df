using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Filtering.Lists;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Filtering;

/// <summary>Registers the user-controlled side of the filters, for every tier that needs it (SMTP-in, IMAP, webmail, admin).</summary>
public static class SpamControlServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FilterOptions"/> (<c>Mail:Filters</c>), <see cref="ISpamLearner"/>
    /// (<see cref="SpamLearner"/> over <see cref="BayesStore"/>), <see cref="ISenderListStore"/>
    /// (<see cref="SqliteSenderListStore"/>), <see cref="IVerdictStore"/> (<see cref="SqliteVerdictStore"/>;
    /// records are found per message with <see cref="VerdictLookup"/>) and the quarantine (<see cref="Quarantine.IQuarantineStore"/>,
    /// <see cref="Quarantine.QuarantinePolicy"/>). Idempotent; needs
    /// <c>IOptions&lt;MailOptions&gt;</c> and <see cref="TimeProvider"/> (AddMailCore).
    /// </summary>
    public static IServiceCollection AddSpamControl(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(BayesStore)))
        {
            return services;
        }
        // Bound once: binding twice would append every configured list (DNSBL zones, Order) a second time.
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<FilterOptions>)))
        {
            services.AddOptions<FilterOptions>().BindConfiguration(FilterOptions.Section);
        }
        services.TryAddSingleton<BayesStore>();
        services.TryAddSingleton<ISpamLearner, SpamLearner>();
        services.TryAddSingleton<ISenderListStore, SqliteSenderListStore>();
        services.TryAddSingleton<IVerdictStore, SqliteVerdictStore>();
        services.TryAddSingleton<Quarantine.IQuarantineStore, Quarantine.SqliteQuarantineStore>();
        services.TryAddSingleton<Quarantine.QuarantinePolicy>();
        return services;
    }
}

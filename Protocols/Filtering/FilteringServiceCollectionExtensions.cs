using Mail.Protocols.Filtering.Clamd;
using Mail.Protocols.Filtering.Spamd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Filtering;

/// <summary>Registers the scan stage.</summary>
public static class FilteringServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FilterOptions"/> (<c>Mail:Filters</c>), the block stage (<see cref="Block.BlockStage"/>), the spamd and clamd scanners (each on
    /// when its endpoint is set), <see cref="MessageScanPipeline"/> and the verdict store
    /// (<see cref="SqliteVerdictStore"/>). Idempotent. More scanners: register further
    /// <see cref="IMessageScanner"/> singletons.
    /// </summary>
    public static IServiceCollection AddMailFilters(this IServiceCollection services)
    {
        // Bound once (AddSmtpIn and AddOutbound both call this): binding twice appends every list (DNSBL zones) again.
        if (!services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IConfigureOptions<FilterOptions>)))
        {
            services.AddOptions<FilterOptions>().BindConfiguration(FilterOptions.Section);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScanner, ClamdScanner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScanner, SpamdScanner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScanner, Auth.DkimDmarcScanner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScanner, Rspamd.RspamdScanner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScanner, Attachments.AttachmentScanner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageScannerProvider, Milter.MilterScannerProvider>());
        services.TryAddSingleton<MessageScanPipeline>();
        services.TryAddSingleton<Block.BlockStage>();
        services.TryAddSingleton<IVerdictStore, SqliteVerdictStore>();
        services.AddSpamControl();
        services.TryAddSingleton<RecipientStage>();
        return services;
    }
}

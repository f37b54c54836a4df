using Mail.Shared.Directory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Store;

/// <summary>Registers the MailboxStore services of the node.</summary>
public static class MailboxStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the mailbox store: <see cref="IMailStore"/> (a <see cref="MailStore"/> singleton),
    /// <see cref="StoreLimits"/> bound from <c>Mail:Store</c>, and an <see cref="IQuotaProvider"/>
    /// reading quotas from the directory when an <see cref="IMailDirectory"/> is registered
    /// (unlimited otherwise). A quota provider registered before this call is kept.
    /// </summary>
    public static IServiceCollection AddMailboxStore(this IServiceCollection services)
    {
        services.AddOptions<StoreLimits>().BindConfiguration(StoreLimits.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IQuotaProvider>(sp => sp.GetService<IMailDirectory>() is { } directory
            ? new DirectoryQuotaProvider(directory, sp.GetRequiredService<IOptions<StoreLimits>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DirectoryQuotaProvider>>())
            : new UnlimitedQuotaProvider());
        services.TryAddSingleton<MailStore>();
        services.TryAddSingleton<Acl.MailboxAclStore>();
        services.TryAddSingleton<IMailStore>(sp => sp.GetRequiredService<MailStore>());
        return services;
    }
}

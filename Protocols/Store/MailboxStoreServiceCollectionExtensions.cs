using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Store;

/// <summary>Registers the MailboxStore services of the node.</summary>
public static class MailboxStoreServiceCollectionExtensions
{
    /// <summary>Adds the MailboxStore services (and its listeners, if any) to the container.</summary>
    public static IServiceCollection AddMailboxStore(this IServiceCollection services)
    {
        // Filled in by the MailboxStore work; empty until then so the composition root compiles.
        return services;
    }
}

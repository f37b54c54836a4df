using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Imap;

/// <summary>Registers the Imap services of the node.</summary>
public static class ImapServiceCollectionExtensions
{
    /// <summary>Adds the Imap services (and its listeners, if any) to the container.</summary>
    public static IServiceCollection AddImap(this IServiceCollection services)
    {
        // Filled in by the Imap work; empty until then so the composition root compiles.
        return services;
    }
}

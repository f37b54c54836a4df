using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Pop3;

/// <summary>Registers the Pop3 services of the node.</summary>
public static class Pop3ServiceCollectionExtensions
{
    /// <summary>Adds the Pop3 services (and its listeners, if any) to the container.</summary>
    public static IServiceCollection AddPop3(this IServiceCollection services)
    {
        // Filled in by the Pop3 work; empty until then so the composition root compiles.
        return services;
    }
}

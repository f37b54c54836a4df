using Mail.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Hosting;

/// <summary>Services every node needs whatever its roles.</summary>
public static class MailHostingServiceCollectionExtensions
{
    /// <summary>Binds <see cref="MailOptions"/> from the <c>Mail</c> section and adds the endpoint registry, the TLS certificate and the clock.</summary>
    public static IServiceCollection AddMailCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.TryAddSingleton<MailEndpoints>();
        services.TryAddSingleton<TlsCertificateProvider>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}

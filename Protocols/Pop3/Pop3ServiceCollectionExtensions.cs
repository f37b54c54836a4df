using Mail.Protocols.Authentication;
using Mail.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mail.Protocols.Pop3;

/// <summary>Registers the Pop3 services of the node.</summary>
public static class Pop3ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the POP3 listeners, endpoint <c>Pop3</c> (STLS) and <c>Pop3Tls</c> (implicit TLS, RFC 8314)
    /// (RFC 1939/2449/2595/3206/5034/6856), with <see cref="Pop3Options"/> bound from <c>Mail:Pop3</c> and the shared
    /// authentication. Needs <c>IMailDirectory</c>, <c>IMailStore</c> and AddMailCore's services.
    /// </summary>
    public static IServiceCollection AddPop3(this IServiceCollection services)
    {
        services.AddOptions<Pop3Options>().BindConfiguration(Pop3Options.Section);
        services.AddMailAuthentication();
        services.TryAddSingleton<Pop3MaildropLocks>();
        // AddSingleton, not AddHostedService: that one keeps a single registration per implementation type.
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<Pop3Listener>(sp, MailEndpoints.Pop3, false));
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<Pop3Listener>(sp, MailEndpoints.Pop3Tls, true));
        return services;
    }
}

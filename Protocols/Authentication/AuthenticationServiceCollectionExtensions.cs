using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Authentication;

/// <summary>Registers the authentication shared by IMAP, POP3 and Submission.</summary>
public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AuthenticationOptions"/> (<c>Mail:Authentication</c>), the <see cref="AuthFailureThrottle"/>
    /// (in Redis when <c>ConnectionStrings:Redis</c> is set) and the <see cref="SaslAuthenticator"/>; idempotent.
    /// Needs an <see cref="Shared.Directory.IMailDirectory"/>.
    /// </summary>
    public static IServiceCollection AddMailAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthenticationOptions>().BindConfiguration(AuthenticationOptions.Section);
        services.TryAddSingleton(sp => new AuthFailureThrottle(
            sp.GetRequiredService<IOptions<AuthenticationOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<AuthFailureThrottle>>(),
            sp.GetService<IConfiguration>()?.GetConnectionString("Redis")));
        services.TryAddSingleton<SaslAuthenticator>();
        return services;
    }
}

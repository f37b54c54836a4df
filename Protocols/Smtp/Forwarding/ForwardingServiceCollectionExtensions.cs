using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Smtp.Forwarding;

/// <summary>Registers forwarding (SMTP-in and the outbound local shortcut both use it).</summary>
public static class ForwardingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="MailForwarder"/> with <see cref="SrsOptions"/> bound from <c>Mail:Srs</c> (idempotent).</summary>
    public static IServiceCollection AddForwarding(this IServiceCollection services)
    {
        services.AddOptions<SrsOptions>().BindConfiguration(SrsOptions.Section);
        services.TryAddSingleton<MailForwarder>();
        return services;
    }
}

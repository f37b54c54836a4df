using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Smtp;

/// <summary>Registers the SmtpIn services of the node.</summary>
public static class SmtpInServiceCollectionExtensions
{
    /// <summary>Adds the SmtpIn services (and its listeners, if any) to the container.</summary>
    public static IServiceCollection AddSmtpIn(this IServiceCollection services)
    {
        // Filled in by the SmtpIn work; empty until then so the composition root compiles.
        return services;
    }
}

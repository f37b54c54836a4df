using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Pop3;

/// <summary>Registers the Pop3 services of the node.</summary>
public static class Pop3ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the POP3 listener (endpoint <c>Pop3</c>, RFC 1939/2449/2595/5034) with <see cref="Pop3Options"/>
    /// bound from <c>Mail:Pop3</c>. Needs <c>IMailDirectory</c>, <c>IMailStore</c> and AddMailCore's services.
    /// </summary>
    public static IServiceCollection AddPop3(this IServiceCollection services)
    {
        services.AddOptions<Pop3Options>().BindConfiguration(Pop3Options.Section);
        services.AddHostedService<Pop3Listener>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Lmtp;

/// <summary>Registers the LMTP listener of a Mailbox node.</summary>
public static class LmtpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LMTP listener (endpoint <c>Lmtp</c>, RFC 2033) with <see cref="LmtpOptions"/> bound from
    /// <c>Mail:Lmtp</c>. Needs <c>IMailDirectory</c>, <c>IMailStore</c> (AddMailboxStore) and AddMailCore's services.
    /// </summary>
    public static IServiceCollection AddLmtp(this IServiceCollection services)
    {
        services.AddOptions<LmtpOptions>().BindConfiguration(LmtpOptions.Section);
        services.AddHostedService<LmtpListener>();
        return services;
    }
}

using Mail.Protocols.Smtp.Forwarding;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Protocols.Lmtp;

/// <summary>Registers the LMTP listener of a Mailbox node.</summary>
public static class LmtpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LMTP listener (endpoint <c>Lmtp</c>, RFC 2033) with <see cref="LmtpOptions"/> bound from
    /// <c>Mail:Lmtp</c>. Needs <c>IMailDirectory</c>, <c>IMailStore</c> (AddMailboxStore) and AddMailCore's services.
    /// Forward-only recipients are queued through <see cref="MailForwarder"/> (added here), which needs the outbound queue on the node.
    /// </summary>
    public static IServiceCollection AddLmtp(this IServiceCollection services)
    {
        services.AddOptions<LmtpOptions>().BindConfiguration(LmtpOptions.Section);
        services.AddForwarding();
        services.AddHostedService<LmtpListener>();
        return services;
    }
}

using Mail.Protocols.Imap.Hosting;
using Mail.Protocols.Imap.Mime;
using Mail.Protocols.Imap.Session;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Protocols.Imap;

/// <summary>Registers the IMAP server of the Mailbox role.</summary>
public static class ImapServiceCollectionExtensions
{
    /// <summary>
    /// Adds the IMAP server: <see cref="ImapOptions"/> bound from <c>Mail:Imap</c>, the structure
    /// cache, the shared session context and the <see cref="ImapListener"/> on endpoint <c>Imap</c>.
    /// Needs <c>AddMailCore</c>, an <see cref="Shared.Directory.IMailDirectory"/> and an <see cref="Store.IMailStore"/>.
    /// </summary>
    public static IServiceCollection AddImap(this IServiceCollection services)
    {
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section);
        services.TryAddSingleton<ImapStructureCache>();
        services.TryAddSingleton<ImapServerContext>();
        services.AddHostedService<ImapListener>();
        return services;
    }
}

using Mail.Protocols.Authentication;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Learning;
using Mail.Protocols.Imap.Hosting;
using Mail.Protocols.Imap.Mime;
using Mail.Protocols.Imap.Session;
using Mail.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mail.Protocols.Imap;

/// <summary>Registers the IMAP server of the Mailbox role.</summary>
public static class ImapServiceCollectionExtensions
{
    /// <summary>
    /// Adds the IMAP server: <see cref="ImapOptions"/> bound from <c>Mail:Imap</c>, the structure
    /// cache, the shared session context and an <see cref="ImapListener"/> on endpoints <c>Imap</c> and <c>ImapTls</c> (implicit TLS).
    /// Needs <c>AddMailCore</c>, an <see cref="Shared.Directory.IMailDirectory"/> and an <see cref="Store.IMailStore"/>.
    /// </summary>
    public static IServiceCollection AddImap(this IServiceCollection services)
    {
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section);
        services.AddMailAuthentication();
        services.TryAddSingleton<ImapStructureCache>();
        services.AddSpamControl();
        if (!services.Any(d => d.ServiceType == typeof(JunkMoveLearning)))
        {
            services.AddSingleton<JunkMoveLearning>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JunkMoveLearning>());
        }
        services.TryAddSingleton<ImapServerContext>();
        // AddSingleton, not AddHostedService: that one keeps a single registration per implementation type.
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ImapListener>(sp, MailEndpoints.Imap, false));
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ImapListener>(sp, MailEndpoints.ImapTls, true));
        return services;
    }
}

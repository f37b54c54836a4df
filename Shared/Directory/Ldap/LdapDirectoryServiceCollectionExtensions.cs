using Mail.Shared.Directory.Sql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Shared.Directory.Ldap;

/// <summary>Registers the directory backend chosen by <c>Mail:Directory:Provider</c>.</summary>
public static class LdapDirectoryServiceCollectionExtensions
{
    /// <summary>Configuration key of the directory backend: <c>Sql</c> (default) or <c>Ldap</c>.</summary>
    public const string ProviderKey = "Mail:Directory:Provider";

    /// <summary>True when <c>Mail:Directory:Provider</c> is <c>Ldap</c> (any case).</summary>
    /// <exception cref="InvalidOperationException">The provider is neither <c>Sql</c> nor <c>Ldap</c>.</exception>
    public static bool UsesLdap(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[ProviderKey];
        return string.IsNullOrWhiteSpace(provider) || provider.Equals("Sql", StringComparison.OrdinalIgnoreCase)
            ? false
            : provider.Equals("Ldap", StringComparison.OrdinalIgnoreCase)
                ? true
                : throw new InvalidOperationException($"{ProviderKey} is '{provider}': use Sql (default) or Ldap.");
    }

    /// <summary>
    /// When <c>Mail:Directory:Provider</c> is <c>Ldap</c>, registers <see cref="LdapMailDirectory"/> as
    /// <see cref="IMailDirectory"/> and <see cref="IDirectoryAdmin"/> (call before the SQL directory's TryAdds).
    /// </summary>
    public static IServiceCollection AddLdapDirectoryIfConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        if (!UsesLdap(configuration))
        {
            return services;
        }
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<SqlDirectoryOptions>(configuration.GetSection(SqlDirectoryOptions.Section));
        services.Configure<LdapDirectoryOptions>(configuration.GetSection(LdapDirectoryOptions.Section));
        services.TryAddSingleton<LdapPasswordVerifier>();
        services.TryAddSingleton<LdapMailDirectory>();
        services.TryAddSingleton<IMailDirectory>(sp => sp.GetRequiredService<LdapMailDirectory>());
        services.TryAddSingleton<IDirectoryAdmin>(sp => sp.GetRequiredService<LdapMailDirectory>());
        return services;
    }
}

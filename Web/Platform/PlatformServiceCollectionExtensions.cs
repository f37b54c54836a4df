using Mail.Shared.Directory;
using Mail.Shared.Directory.Caching;
using Mail.Shared.Directory.Ldap;
using Mail.Shared.Directory.Sql;
using Mail.Shared.Hosting;
using Mail.Shared.Platform;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Platform;

/// <summary>Platform DB (EF Core, SQLite or MySQL), Data Protection keys, the ticket store and the built-in directory.</summary>
public static class PlatformServiceCollectionExtensions
{
    /// <summary>Data Protection application name: every web node of one installation must use the same one to share cookies.</summary>
    public const string DataProtectionApplicationName = "Mail.Platform";

    /// <summary>
    /// Adds the platform DB (<see cref="IDbContextFactory{PlatformDbContext}"/> and a scoped
    /// <see cref="PlatformDbContext"/>), the built-in directory as <see cref="IMailDirectory"/> and
    /// <see cref="IDirectoryAdmin"/>, Data Protection with its key ring in the platform DB, and
    /// <see cref="PlatformTicketStore"/> as <see cref="ITicketStore"/>.
    /// </summary>
    /// <remarks>
    /// Provider: <c>Mail:Database:Provider</c> = <c>Sqlite</c> (default, <c>{Mail:DataPath}/platform.db</c>)
    /// or <c>MySql</c> (<c>ConnectionStrings:Platform</c>, MariaDB 10.11 SQL). Both pooled factories are
    /// registered; <see cref="PlatformDbContextFactory"/> picks one when first used.
    /// </remarks>
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();

        services.AddPooledDbContextFactory<SqlitePlatformDbContext>((sp, o) =>
            o.UseSqlitePlatform(sp.GetRequiredService<IOptions<MailOptions>>().Value.FullDataPath));
        services.AddPooledDbContextFactory<MySqlPlatformDbContext>((sp, o) =>
            o.UseMySqlPlatform(sp.GetRequiredService<IConfiguration>().GetConnectionString("Platform")));
        services.TryAddSingleton<PlatformDbContextFactory>();
        services.TryAddSingleton<IDbContextFactory<PlatformDbContext>>(sp => sp.GetRequiredService<PlatformDbContextFactory>());
        services.TryAddScoped<PlatformDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContext());

        // Mail:Directory:Provider = Ldap registers the LDAP directory first; the SQL TryAdds below then only fill in the rest.
        services.AddRedisDirectoryCacheIfConfigured(configuration);
        services.AddLdapDirectoryIfConfigured(configuration);
        services.Configure<SqlDirectoryOptions>(configuration.GetSection(SqlDirectoryOptions.Section));
        services.TryAddSingleton<IPasswordHasher<PlatformUser>, PasswordHasher<PlatformUser>>();
        services.TryAddSingleton<SqlMailDirectory>();
        services.TryAddSingleton<IMailDirectory>(sp => sp.GetRequiredService<SqlMailDirectory>());
        services.TryAddSingleton<IDirectoryAdmin>(sp => sp.GetRequiredService<SqlMailDirectory>());

        services.AddDataProtection()
            .SetApplicationName(DataProtectionApplicationName)
            .PersistKeysToDbContext<PlatformDbContext>();

        services.TryAddSingleton<PlatformTicketStore>();
        services.TryAddSingleton<ITicketStore>(sp => sp.GetRequiredService<PlatformTicketStore>());
        return services;
    }

    /// <summary>
    /// Applies pending EF migrations of the configured provider (creating the SQLite file or the MySQL
    /// database when missing) and switches SQLite to WAL. Run once at start, before listeners accept.
    /// </summary>
    /// <exception cref="InvalidOperationException">MySql is configured without a connection string.</exception>
    public static async Task InitializePlatformAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = services.GetRequiredService<IDbContextFactory<PlatformDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await PlatformDatabase.MigrateAsync(db, cancellationToken);
    }
}

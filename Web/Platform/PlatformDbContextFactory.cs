using Mail.Shared.Hosting;
using Mail.Shared.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Mail.Web.Platform;

/// <summary>
/// <see cref="IDbContextFactory{PlatformDbContext}"/> over the pooled factory of the provider chosen by
/// <c>Mail:Database:Provider</c>. The choice is made when this singleton is first resolved (not when
/// services are registered), so configuration layered on later (tests, command line) is honoured.
/// </summary>
internal sealed class PlatformDbContextFactory : IDbContextFactory<PlatformDbContext>
{
    private readonly Func<PlatformDbContext> _create;

    public PlatformDbContextFactory(IServiceProvider services, IOptions<MailOptions> options)
    {
        Provider = PlatformDatabase.ParseProvider(options.Value.Database.Provider);
        _create = Provider switch
        {
            PlatformDbProvider.Sqlite => services.GetRequiredService<IDbContextFactory<SqlitePlatformDbContext>>().CreateDbContext,
            PlatformDbProvider.MySql => services.GetRequiredService<IDbContextFactory<MySqlPlatformDbContext>>().CreateDbContext,
            _ => throw new InvalidOperationException($"Provider {Provider} has no context type."),
        };
    }

    /// <summary>The provider in use.</summary>
    public PlatformDbProvider Provider { get; }

    public PlatformDbContext CreateDbContext() => _create();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mail.Shared.Directory.Caching;

/// <summary>Registers <see cref="RedisDirectoryCache"/> when <c>ConnectionStrings:Redis</c> is set.</summary>
public static class RedisDirectoryCacheServiceCollectionExtensions
{
    /// <summary>Name of the connection string (<c>ConnectionStrings:Redis</c>).</summary>
    public const string ConnectionStringName = "Redis";

    /// <summary>Adds the shared Redis directory cache as a singleton when <c>ConnectionStrings:Redis</c> is not empty.</summary>
    public static IServiceCollection AddRedisDirectoryCacheIfConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connection))
        {
            services.TryAddSingleton(sp => new RedisDirectoryCache(connection, sp.GetRequiredService<ILogger<RedisDirectoryCache>>()));
        }
        return services;
    }
}

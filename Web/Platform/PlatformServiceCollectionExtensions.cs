namespace Mail.Web.Platform;

/// <summary>Platform DB (EF Core, SQLite or MySQL), Data Protection keys and the built-in directory.</summary>
public static class PlatformServiceCollectionExtensions
{
    /// <summary>Adds the platform DB context, the directory (<see cref="Mail.Shared.Directory.IMailDirectory"/>) and Data Protection.</summary>
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        // Filled in by the platform work.
        return services;
    }

    /// <summary>Applies pending EF migrations of the configured provider.</summary>
    public static Task InitializePlatformAsync(this IServiceProvider services)
    {
        return Task.CompletedTask;
    }
}

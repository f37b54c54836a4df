using Mail.Protocols.Hosting;
using Mail.Shared.Directory;
using Mail.Web.Platform;
using Microsoft.Extensions.Logging.Console;

namespace Mail.Web.Admin;

/// <summary>
/// The services the CLI runs on: the server's configuration stack (appsettings.json,
/// appsettings.{Environment}.json, environment, command-line overrides; same content root) with
/// AddMailCore + AddPlatform only, and the platform DB migrated.
/// </summary>
internal static class AdminHost
{
    /// <summary>Builds the host and migrates the platform DB; the caller disposes it.</summary>
    public static async Task<WebApplication> StartAsync(IReadOnlyList<string> configurationArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. configurationArgs] });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Services.AddMailCore(builder.Configuration);
        builder.Services.AddPlatform(builder.Configuration);
        var app = builder.Build();
        try
        {
            await app.Services.InitializePlatformAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    public static IDirectoryAdmin Directory(WebApplication app) => app.Services.GetRequiredService<IDirectoryAdmin>();
}

namespace Mail.Web.Hosting;

/// <summary>Webmail (Blazor) registration.</summary>
public static class WebmailServiceCollectionExtensions
{
    /// <summary>Adds Razor components, authentication with the server-side ticket store, antiforgery.</summary>
    public static IServiceCollection AddWebmail(this IServiceCollection services)
    {
        // Filled in by the webmail work.
        return services;
    }

    /// <summary>Maps the webmail endpoints.</summary>
    public static WebApplication MapWebmail(this WebApplication app)
    {
        return app;
    }
}

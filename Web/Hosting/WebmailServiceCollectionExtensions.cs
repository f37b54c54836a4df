using Mail.Shared.Directory.Caching;
using Mail.Web.Components;
using Mail.Web.Resources;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mail.Web.Hosting;

/// <summary>Webmail (Blazor) registration.</summary>
public static class WebmailServiceCollectionExtensions
{
    /// <summary>Name of the session cookie; it holds only the protected id of a server-side session (ITicketStore).</summary>
    public const string SessionCookieName = "mail.session";

    /// <summary>
    /// Adds Razor components (interactive server for the mail shell, static SSR for sign-in and errors),
    /// localization (<see cref="WebmailCultures"/>), cookie authentication whose tickets live server-side in the
    /// <see cref="ITicketStore"/> registered by the platform (the cookie carries only an opaque id),
    /// antiforgery, and the IMAP access of the webmail (<c>Mail:Webmail</c> options). With <c>ConnectionStrings:Redis</c>
    /// set, sign-out everywhere is announced to the other web nodes over Redis (<see cref="WebmailSignOutBus"/>).
    /// </summary>
    public static IServiceCollection AddWebmail(this IServiceCollection services)
    {
        services.AddOptions<WebmailOptions>().BindConfiguration(WebmailOptions.Section);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(WebmailCultures.Configure);
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "mail.antiforgery";
            // WebmailSecurityHeaders sends X-Frame-Options DENY (and CSP frame-ancestors) itself.
            options.SuppressXFrameOptionsHeader = true;
        });
        services.AddAuthorization();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<ITicketStore, Microsoft.Extensions.Options.IOptions<WebmailOptions>>((cookie, store, webmail) =>
            {
                cookie.SessionStore = store;
                cookie.Cookie.Name = SessionCookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = WebmailRoutes.SignIn;
                cookie.LogoutPath = WebmailRoutes.SignOut;
                cookie.AccessDeniedPath = WebmailRoutes.SignIn;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(Math.Max(1, webmail.Value.SessionIdleMinutes));
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = WebmailSessionLifetime.ValidateAsync;
            });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebmailImapConnector>();
        services.AddSingleton<WebmailCredentialProtector>();
        services.AddHttpContextAccessor();
        // Sign-out everywhere reaches the other web nodes over Redis pub/sub when ConnectionStrings:Redis is set.
        services.AddSingleton(sp => new WebmailSignOutBus(
            sp.GetRequiredService<IConfiguration>().GetConnectionString(RedisDirectoryCacheServiceCollectionExtensions.ConnectionStringName),
            sp.GetRequiredService<ILogger<WebmailSignOutBus>>()));
        services.AddSingleton<WebmailConnectionPool>();
        services.AddSingleton<WebmailMailSessionFactory>();
        services.AddScoped<WebmailCurrentSession>();
        services.AddScoped<Components.Mailbox.ListDrag>();
        services.AddSingleton<WebmailThreadIndex>();
        services.AddWebmailCompose();
        services.AddWebmailQuarantine();
        services.AddWebmailReader();
        return services;
    }

    /// <summary>
    /// Maps the webmail: friendly error pages, security headers, request localization, authentication, antiforgery, static
    /// assets, the message body/attachment/sign-out endpoints and the Razor components.
    /// </summary>
    public static WebApplication MapWebmail(this WebApplication app)
    {
        app.UseExceptionHandler(WebmailRoutes.Error, createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute(WebmailRoutes.NotFound, createScopeForStatusCodePages: true);
        app.UseMiddleware<WebmailSecurityHeaders>();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapWebmailApi();
        app.MapWebmailComposeApi();
        app.MapWebmailQuarantineApi();
        app.MapWebmailReader();
        app.MapWebmailLanguage();
        // WebmailSecurityHeaders sends the whole policy (frame-ancestors 'none'); the framework's own
        // "frame-ancestors 'self'" header would replace it.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}

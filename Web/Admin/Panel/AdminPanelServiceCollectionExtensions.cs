using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Mail.Protocols.Smtp.Outbound;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Panel;

/// <summary>
/// The web admin panel (<c>/admin</c>, DESIGN.md role <c>Admin</c>): Blazor pages in <c>Components/Admin/</c> (static
/// server rendering, every change a form POST with an antiforgery token), served by the webmail's Razor component host,
/// on <see cref="DirectoryAdministration"/> like the CLI.
/// </summary>
public static class AdminPanelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the admin session scheme (<see cref="AdminPanelAuthorization"/>: cookie <c>mail.admin</c>, path <c>/admin</c>,
    /// HttpOnly, SameSite=Strict, Secure on HTTPS, sliding idle timeout <see cref="AdminPanelOptions.SessionIdleMinutes"/>,
    /// ticket in the platform's server-side <see cref="ITicketStore"/>), its policy and <see cref="DirectoryAdministration"/>.
    /// Call after <c>AddWebmail</c> (the admin pages use its Razor components, antiforgery and IMAP sign-in check).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="enabled">False on a node without the <c>Admin</c> role: the pages exist but nobody can sign in.</param>
    public static IServiceCollection AddAdminPanel(this IServiceCollection services, bool enabled)
    {
        services.AddOptions<AdminPanelOptions>().BindConfiguration(AdminPanelOptions.Section).PostConfigure(options =>
        {
            if (!enabled)
            {
                options.Administrators.Clear();
            }
        });
        services.AddScoped<DirectoryAdministration>();
        services.TryAddSingleton<OutboundQueueStore>();
        services.AddSingleton<QueueAdministration>();
        services.AddSingleton<IAuthorizationHandler, AdministratorRequirementHandler>();
        services.AddAuthorizationBuilder().AddPolicy(AdminPanelAuthorization.Policy, AdminPanelAuthorization.Configure);
        services.AddAuthentication().AddCookie(AdminPanelAuthorization.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(AdminPanelAuthorization.Scheme)
            .Configure<ITicketStore, IOptions<AdminPanelOptions>>((cookie, store, admin) =>
            {
                cookie.SessionStore = store;
                cookie.Cookie.Name = AdminPanelAuthorization.CookieName;
                cookie.Cookie.Path = AdminPanelRoutes.Home;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = AdminPanelRoutes.SignIn;
                cookie.LogoutPath = AdminPanelRoutes.SignOut;
                cookie.AccessDeniedPath = AdminPanelRoutes.SignIn;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(Math.Max(1, admin.Value.SessionIdleMinutes));
                cookie.SlidingExpiration = true;
            });
        return services;
    }

    /// <summary>Maps POST <c>/admin/signout</c> (the pages themselves are routed by the Razor component host).</summary>
    public static WebApplication MapAdminPanel(this WebApplication app)
    {
        app.MapPost(AdminPanelRoutes.SignOut, SignOutAsync);
        return app;
    }

    /// <summary>POST /admin/signout: checks the antiforgery token, deletes the admin session and goes to the admin sign-in page.</summary>
    public static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, ILogger<DirectoryAdministration> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(antiforgery);
        var admin = await context.AuthenticateAsync(AdminPanelAuthorization.Scheme);
        if (admin.Succeeded)
        {
            // The page's token was issued to the admin principal: validate against it.
            context.User = admin.Principal;
        }
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }
        if (admin.Succeeded)
        {
            AdminLog.SignedOut(logger, admin.Principal.Identity?.Name ?? "");
        }
        await context.SignOutAsync(AdminPanelAuthorization.Scheme);
        return Results.Redirect(AdminPanelRoutes.SignIn);
    }
}

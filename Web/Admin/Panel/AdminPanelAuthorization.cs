using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Mail.Web.Admin.Panel;

/// <summary>
/// Authentication and authorization of the admin panel: its own cookie scheme (<see cref="Scheme"/>, cookie
/// <see cref="CookieName"/> on path <c>/admin</c>, SameSite=Strict) beside the webmail's, and the policy
/// <see cref="Policy"/> that every admin page carries: signed in with that scheme and still listed in
/// <see cref="AdminPanelOptions.Administrators"/>.
/// </summary>
public static class AdminPanelAuthorization
{
    /// <summary>Authentication scheme of the admin session cookie.</summary>
    public const string Scheme = "MailAdmin";

    /// <summary>Name of the admin session cookie; it holds only the protected id of a server-side session.</summary>
    public const string CookieName = "mail.admin";

    /// <summary>Authorization policy of the admin pages and endpoints.</summary>
    public const string Policy = "MailAdministrator";

    /// <summary>The policy: the admin scheme, an authenticated user, listed as an administrator.</summary>
    public static void Configure(AuthorizationPolicyBuilder policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().AddRequirements(new AdministratorRequirement());
    }
}

/// <summary>The signed-in user is one of <see cref="AdminPanelOptions.Administrators"/> (now, not only at sign-in).</summary>
public sealed class AdministratorRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="AdministratorRequirement"/> against the current options.</summary>
internal sealed class AdministratorRequirementHandler(IOptionsMonitor<AdminPanelOptions> options) : AuthorizationHandler<AdministratorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdministratorRequirement requirement)
    {
        if (context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AdminPanelAuthorization.Scheme && options.CurrentValue.IsAdministrator(i.Name)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Quarantine;
using Microsoft.AspNetCore.Mvc;

namespace Mail.Web.Hosting;

/// <summary>
/// The webmail's quarantine actions (page <c>/mail/quarantine</c>): <c>POST /mail/quarantine/release</c> and
/// <c>POST /mail/quarantine/delete</c>, form field <c>id</c>, antiforgery-checked like every form POST. Each acts on the
/// signed-in user's entries only: another user's id is "not found".
/// </summary>
public static class WebmailQuarantineEndpoints
{
    /// <summary>Path of the release endpoint.</summary>
    public const string Release = "/mail/quarantine/release";

    /// <summary>Path of the delete endpoint.</summary>
    public const string Delete = "/mail/quarantine/delete";

    private const string Page = "/mail/quarantine";

    /// <summary>Adds the quarantine store and policy (<see cref="SpamControlServiceCollectionExtensions.AddSpamControl"/>).</summary>
    public static IServiceCollection AddWebmailQuarantine(this IServiceCollection services) => services.AddSpamControl();

    /// <summary>Maps <see cref="Release"/> and <see cref="Delete"/>.</summary>
    public static IEndpointRouteBuilder MapWebmailQuarantineApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Release, ReleaseAsync).RequireAuthorization();
        app.MapPost(Delete, DeleteAsync).RequireAuthorization();
        return app;
    }

    /// <summary>POST /mail/quarantine/release: asks for the delivery of the user's entry <paramref name="id"/> to their INBOX (once).</summary>
    /// <returns>302 to the page with <c>done=released|already|notfound</c>; 400 without a valid antiforgery token.</returns>
    public static async Task<IResult> ReleaseAsync(HttpContext context, [FromForm] string id, IQuarantineStore store, CancellationToken cancellationToken)
    {
        if (User(context, id) is not { } user)
        {
            return Done("notfound");
        }
        return Done(await store.RequestReleaseAsync(user, id, cancellationToken) switch
        {
            QuarantineChange.ReleaseRequested => "released",
            QuarantineChange.AlreadyReleased => "already",
            _ => "notfound",
        });
    }

    /// <summary>POST /mail/quarantine/delete: deletes the user's entry <paramref name="id"/>.</summary>
    /// <returns>302 to the page with <c>done=deleted|busy|notfound</c>; 400 without a valid antiforgery token.</returns>
    public static async Task<IResult> DeleteAsync(HttpContext context, [FromForm] string id, IQuarantineStore store, CancellationToken cancellationToken)
    {
        if (User(context, id) is not { } user)
        {
            return Done("notfound");
        }
        return Done(await store.DeleteAsync(user, id, cancellationToken) switch
        {
            QuarantineChange.Deleted => "deleted",
            QuarantineChange.Busy => "busy",
            _ => "notfound",
        });
    }

    private static string? User(HttpContext context, string id)
    {
        var user = context.User.Identity?.Name;
        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(id) || id.Length > 32 ? null : user;
    }

    private static IResult Done(string outcome) => Results.Redirect(Page + "?done=" + outcome);
}

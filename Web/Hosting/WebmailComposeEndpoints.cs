using Mail.Web.Outbox;
using Mail.Web.Settings;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Mvc;

namespace Mail.Web.Hosting;

/// <summary>
/// Registration and endpoints of the composer and the outbox: the services behind <c>/mail/compose</c>, the
/// outbox sender on every web node, and <c>POST /mail/outbox/recall</c> (undo send, cancel a scheduled message;
/// antiforgery-checked like every form POST).
/// </summary>
public static class WebmailComposeEndpoints
{
    /// <summary>Path of the recall (undo / cancel) endpoint.</summary>
    public const string Recall = "/mail/outbox/recall";

    /// <summary>Adds the composer, settings store, Submission client and outbox (with its background sender).</summary>
    public static IServiceCollection AddWebmailCompose(this IServiceCollection services)
    {
        services.AddSingleton<WebmailSubmissionClient>();
        services.AddSingleton<WebmailSettingsStore>();
        services.AddSingleton<WebmailAccountSecurity>();
        services.AddSingleton<WebmailOutbox>();
        services.AddSingleton<WebmailComposeService>();
        services.AddHostedService<WebmailOutboxSender>();
        services.AddWebmailImageProxy();
        return services;
    }

    /// <summary>Maps <see cref="Recall"/>.</summary>
    public static IEndpointRouteBuilder MapWebmailComposeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Recall, RecallAsync).RequireAuthorization();
        app.MapWebmailImageProxy();
        return app;
    }

    /// <summary>
    /// POST /mail/outbox/recall (form field <c>id</c>): takes a held message back. Recalled: back to the composer on
    /// its draft. Too late (being sent or sent): to the outbox page with a notice.
    /// </summary>
    /// <returns>302 to the composer or the outbox page; 400 without a valid antiforgery token.</returns>
    public static async Task<IResult> RecallAsync(HttpContext context, [FromForm] string id, WebmailOutbox outbox, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.Name;
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(id) || id.Length > 32)
        {
            return Results.Redirect("/mail/outbox?recall=notfound");
        }
        var (outcome, draft) = await outbox.RecallAsync(user, id, cancellationToken);
        return outcome switch
        {
            WebmailOutboxRecall.Recalled when draft is not null => Results.Redirect(
                $"/mail/compose?draftFolder={Uri.EscapeDataString(draft.Folder)}&draftUid={draft.Uid}"),
            WebmailOutboxRecall.Recalled => Results.Redirect("/mail/outbox?recall=done"),
            WebmailOutboxRecall.TooLate => Results.Redirect("/mail/outbox?recall=toolate"),
            _ => Results.Redirect("/mail/outbox?recall=notfound"),
        };
    }
}

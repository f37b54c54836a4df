using System.Text;
using Mail.Protocols.Filtering;
using Mail.Protocols.Filtering.Lists;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Mvc;
using MimeKit;

namespace Mail.Web.Hosting;

/// <summary>
/// Endpoints of the reader beyond the body and single downloads: the sender allow/block buttons
/// (<c>POST /mail/senders</c>), unsubscribe (<c>POST /mail/unsubscribe</c>), image and PDF previews
/// (<c>GET /mail/preview</c>, <c>GET /mail/preview/pdf</c>) and "download all" (<c>GET /mail/attachments.zip</c>). The POSTs bind form fields, so
/// the antiforgery middleware checks their token (a cross-site POST gets 400); the GETs change nothing.
/// </summary>
public static class WebmailReaderEndpoints
{
    /// <summary>Sender allow/block path.</summary>
    public const string SendersPath = "/mail/senders";

    /// <summary>Unsubscribe path.</summary>
    public const string UnsubscribePath = "/mail/unsubscribe";

    /// <summary>Registers the reader's services (spam-control stores, unsubscriber) and options.</summary>
    public static IServiceCollection AddWebmailReader(this IServiceCollection services)
    {
        services.AddSpamControl();
        services.AddHttpContextAccessor();
        services.AddScoped<WebmailClientTimeZone>();
        services.AddOptions<WebmailUnsubscribeOptions>().BindConfiguration(WebmailUnsubscribeOptions.Section);
        services.AddSingleton<WebmailUnsubscriber>();
        services.AddOptions<WebmailPdfPreviewOptions>().BindConfiguration(WebmailPdfPreviewOptions.Section);
        services.AddSingleton<WebmailPdfPreviewer>();
        services.AddSingleton<WebmailPreviewCache>();
        return services;
    }

    /// <summary>Maps the reader's endpoints.</summary>
    public static IEndpointRouteBuilder MapWebmailReader(this IEndpointRouteBuilder app)
    {
        app.MapPost(SendersPath, SetSenderAsync).RequireAuthorization();
        app.MapPost(UnsubscribePath, UnsubscribeAsync).RequireAuthorization();
        app.MapGet(WebmailRoutes.Preview, WebmailAttachmentEndpoints.GetPreviewAsync).RequireAuthorization();
        app.MapGet(WebmailRoutes.PdfPreview, WebmailAttachmentEndpoints.GetPdfPageAsync).RequireAuthorization();
        app.MapGet(WebmailRoutes.Zip, WebmailAttachmentEndpoints.GetZipAsync).RequireAuthorization();
        return app;
    }

    /// <summary>
    /// POST /mail/senders (form: <c>sender</c>, <c>kind</c> = <c>allow</c>|<c>block</c>, <c>folder</c>, <c>uid</c>): puts the
    /// sender address on the user's own list (<see cref="ISenderListStore"/>, user scope), then back to the message with
    /// <c>&amp;senders=allow|block|invalid</c>.
    /// </summary>
    public static async Task<IResult> SetSenderAsync(
        HttpContext context, [FromForm] string? sender, [FromForm] string? kind, [FromForm] string? folder, [FromForm] uint uid,
        ISenderListStore lists, CancellationToken cancellationToken)
    {
        var user = context.User.Identity?.Name ?? "";
        var listKind = kind == "block" ? SenderListKind.Block : SenderListKind.Allow;
        var change = kind is "allow" or "block" && SenderPattern.TryAddress(sender, out var address)
            ? await lists.AddAsync(SenderListScope.User, user, address, listKind, cancellationToken)
            : SenderListChange.InvalidPattern;
        var outcome = change is SenderListChange.Added or SenderListChange.Updated or SenderListChange.Unchanged ? kind! : "invalid";
        return Results.Redirect(BackTo(folder, uid, "senders", outcome));
    }

    /// <summary>
    /// POST /mail/unsubscribe (form: <c>folder</c>, <c>uid</c>, <c>how</c> = <c>oneclick</c>|<c>mailto</c>): re-reads the
    /// message's List-Unsubscribe fields (never a URL from the form) and unsubscribes, then back to the message with
    /// <c>&amp;unsubscribe=done|failed|forbidden|none</c>.
    /// </summary>
    public static async Task<IResult> UnsubscribeAsync(
        HttpContext context, [FromForm] string? folder, [FromForm] uint uid, [FromForm] string? how,
        WebmailMailSessionFactory sessions, WebmailUnsubscriber unsubscriber, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(folder) || folder.Length > 1024 || uid == 0)
        {
            return Results.NotFound();
        }
        await using var session = sessions.Open(context.User);
        if (session is null)
        {
            return Results.Unauthorized();
        }
        MimeMessage? message;
        try
        {
            message = await session.LoadMessageAsync(folder, uid, cancellationToken);
        }
        catch (WebmailUnavailableException)
        {
            return Results.Redirect(BackTo(folder, uid, "unsubscribe", "failed"));
        }
        var offer = WebmailUnsubscribe.Of(message?.Headers, unsubscriber.RequireHttps);
        var result = (how, offer) switch
        {
            ("oneclick", { OneClick: { } target }) => await unsubscriber.OneClickAsync(target, cancellationToken),
            ("mailto", { Mailto: { } mail }) => await unsubscriber.MailAsync(session, mail, cancellationToken),
            _ => WebmailUnsubscribeResult.NotOffered,
        };
        var outcome = result switch
        {
            WebmailUnsubscribeResult.Done => "done",
            WebmailUnsubscribeResult.ForbiddenAddress => "forbidden",
            WebmailUnsubscribeResult.NotOffered => "none",
            _ => "failed",
        };
        return Results.Redirect(BackTo(folder, uid, "unsubscribe", outcome));
    }

    private static string BackTo(string? folder, uint uid, string name, string value) =>
        string.IsNullOrEmpty(folder) || uid == 0 ? WebmailRoutes.Mail : "/" + WebmailRoutes.Message(folder, uid) + "&" + name + "=" + value;
}

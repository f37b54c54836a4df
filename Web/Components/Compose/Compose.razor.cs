using Mail.Web.Settings;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Components;
using Mail.Web.Components.Mailbox;

namespace Mail.Web.Components.Compose;

/// <summary>
/// The composer (static SSR with a small script for the rich text editor, drag-and-drop and autosave): opens a
/// new message, a reply, a forward or a draft, and posts back to itself to save, send, schedule or discard.
/// </summary>
public sealed partial class Compose
{
    /// <summary>Seconds between autosaves while the user types.</summary>
    public const int AutosaveSeconds = 15;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "mode")] private string? Mode { get; set; }

    [SupplyParameterFromQuery(Name = "folder")] private string? Folder { get; set; }

    [SupplyParameterFromQuery(Name = "uid")] private long? Uid { get; set; }

    [SupplyParameterFromQuery(Name = "draftFolder")] private string? DraftFolderQuery { get; set; }

    [SupplyParameterFromQuery(Name = "draftUid")] private long? DraftUidQuery { get; set; }

    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }

    private WebmailComposeForm _form = new();
    private IReadOnlyList<WebmailComposeAttachment> _attachments = [];
    private IReadOnlyList<WebmailIdentityView> _identities = [];
    private IReadOnlyList<string> _suggestions = [];
    private IReadOnlyList<string> _errors = [];
    private DateTimeOffset? _saved;
    private string _sourceFolder = "";
    private uint _sourceUid;
    private bool _attachOriginal;
    private long _maxOctets;
    private MailProblem.ProblemKind? _problem;

    protected override async Task OnInitializedAsync()
    {
        _maxOctets = Composer.MaxComposeOctets;
        if (HttpMethods.IsPost(HttpContext.Request.Method))
        {
            // The POST is handled by SubmitAsync (the form's handler); nothing to prefill.
            return;
        }
        var session = await CurrentSession.GetAsync();
        if (session is null)
        {
            _problem = MailProblem.ProblemKind.CredentialsRejected;
            return;
        }
        try
        {
            var request = new WebmailComposeRequest(ParseMode(Mode), Folder, ToUid(Uid), DraftFolderQuery, ToUid(DraftUidQuery), To);
            Show(await Composer.OpenAsync(session, request, CancellationToken.None));
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
        }
    }

    private async Task SubmitAsync()
    {
        var session = await CurrentSession.GetAsync();
        if (session is null)
        {
            _problem = MailProblem.ProblemKind.CredentialsRejected;
            return;
        }
        var request = HttpContext.Request;
        var form = await request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value);
        WebmailComposeOutcome outcome;
        try
        {
            outcome = await Composer.SubmitAsync(session, fields, [.. form.Files], CancellationToken.None);
        }
        catch (WebmailUnavailableException ex)
        {
            _problem = MailProblem.KindOf(ex);
            return;
        }
        if (outcome.RedirectTo is { } target)
        {
            Navigation.NavigateTo(target);
            return;
        }
        Show(outcome.View!);
    }

    private void Show(WebmailComposeView view)
    {
        _form = view.Form;
        _attachments = view.Attachments;
        _identities = view.Identities;
        _suggestions = view.Suggestions;
        _errors = view.Errors;
        _saved = view.SavedAt;
        _sourceFolder = view.SourceFolder;
        _sourceUid = view.SourceUid;
        _attachOriginal = view.AttachOriginal;
    }

    private static WebmailComposeMode ParseMode(string? mode) => mode switch
    {
        "reply" => WebmailComposeMode.Reply,
        "replyall" => WebmailComposeMode.ReplyAll,
        "forward" => WebmailComposeMode.Forward,
        "forwardattach" => WebmailComposeMode.ForwardAsAttachment,
        _ => WebmailComposeMode.New,
    };

    private static uint ToUid(long? value) => value is > 0 and <= uint.MaxValue ? (uint)value.Value : 0;

    private static string IdentityLabel(WebmailIdentityView identity) =>
        string.IsNullOrWhiteSpace(identity.DisplayName) ? identity.Address : $"{identity.DisplayName} <{identity.Address}>";
}

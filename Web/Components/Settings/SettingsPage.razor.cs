using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Hosting;
using Mail.Web.Resources;
using Mail.Web.Settings;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace Mail.Web.Components.Settings;

/// <summary>
/// Webmail settings (static SSR, one form per section, all antiforgery-checked): preferences, identities with
/// signatures, the remote-image allow-list, folder subscriptions (IMAP SUBSCRIBE/UNSUBSCRIBE, what desktop clients
/// show), password change, and the user's sessions with "sign out everywhere". Everything is stored in the platform
/// DB (or the directory, for the password; the IMAP server, for subscriptions).
/// </summary>
public sealed partial class SettingsPage
{
    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [Inject] private WebmailSettingsStore Store { get; set; } = default!;

    [Inject] private WebmailAccountSecurity Security { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private WebmailCurrentSession CurrentSession { get; set; } = default!;

    private WebmailUserSettings _settings = new() { UserAddress = "" };
    private IReadOnlyList<WebmailIdentityView> _identities = [];
    private IReadOnlyList<string> _remoteSenders = [];
    private IReadOnlyList<WebmailSessionView> _sessions = [];
    private IReadOnlyList<WebmailFolder> _folders = [];
    private IReadOnlySet<string> _subscribed = new HashSet<string>();
    private bool _foldersUnavailable;
    private string? _status;
    private bool _statusIsError;

    private string User => HttpContext.User.Identity?.Name ?? "";

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _settings = await Store.GetAsync(User, CancellationToken.None);
        _identities = await Store.GetIdentitiesAsync(User, CancellationToken.None);
        _remoteSenders = await Store.GetRemoteImageSendersAsync(User, CancellationToken.None);
        _sessions = await Security.ListSessionsAsync(User, Security.CurrentSessionKey(HttpContext), CancellationToken.None);
        await LoadFoldersAsync();
    }

    private async Task LoadFoldersAsync()
    {
        try
        {
            if (await CurrentSession.GetAsync() is { } session)
            {
                _folders = [.. (await session.GetFoldersAsync(CancellationToken.None)).Where(f => f.Selectable)];
                _subscribed = await session.GetSubscribedFolderNamesAsync(CancellationToken.None);
                _foldersUnavailable = false;
                return;
            }
        }
        catch (WebmailUnavailableException)
        {
        }
        _folders = [];
        _foldersUnavailable = true;
    }

    /// <summary>The button's value is <c>+name</c> to subscribe or <c>-name</c> to unsubscribe.</summary>
    private async Task SaveSubscriptionAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        var value = form["Subscription"].ToString();
        var result = WebmailActionResult.NotFound;
        if (value.Length > 1 && value[0] is '+' or '-' && await CurrentSession.GetAsync() is { } session)
        {
            try
            {
                result = await session.SetSubscribedAsync(value[1..], value[0] == '+', CancellationToken.None);
            }
            catch (WebmailUnavailableException)
            {
                result = WebmailActionResult.Refused;
            }
        }
        await LoadAsync();
        Say(result == WebmailActionResult.Done ? C["Saved"] : C["FolderSubscriptionFailed"], error: result != WebmailActionResult.Done);
    }

    private async Task SavePreferencesAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        var settings = await Store.GetAsync(User, CancellationToken.None);
        settings.ComposeRichText = form["ComposeRichText"] == "true";
        settings.ReplyAboveQuote = form["ReplyAboveQuote"] == "true";
        settings.PreferPlainText = form["PreferPlainText"] == "true";
        settings.AlwaysLoadRemoteImages = form["AlwaysLoadRemoteImages"] == "true";
        settings.UndoSendSeconds = int.TryParse(form["UndoSendSeconds"], out var undo) ? undo : settings.UndoSendSeconds;
        settings.Theme = form["Theme"].ToString();
        await Store.SaveAsync(settings, CancellationToken.None);
        await LoadAsync();
        Say(C["Saved"]);
    }

    private async Task SaveIdentityAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        _ = long.TryParse(form["Id"], out var id);
        if (form["Action"] == "delete")
        {
            await Store.DeleteIdentityAsync(User, id, CancellationToken.None);
            await LoadAsync();
            Say(C["Deleted"]);
            return;
        }
        WebmailIdentitySaveResult result;
        try
        {
            result = await Store.SaveIdentityAsync(User, id, form["Address"].ToString(), form["DisplayName"].ToString(),
                form["Signature"].ToString(), form["IsDefault"] == "true", CancellationToken.None);
        }
        catch (DirectoryUnavailableException)
        {
            await LoadAsync();
            Say(C["DirectoryUnavailable"], error: true);
            return;
        }
        await LoadAsync();
        switch (result)
        {
            case WebmailIdentitySaveResult.Saved:
                Say(C["Saved"]);
                break;
            case WebmailIdentitySaveResult.NotOwned:
                Say(C["IdentityNotOwned"], error: true);
                break;
            default:
                Say(C["IdentityInvalid"], error: true);
                break;
        }
    }

    private async Task SaveRemoteImagesAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        if (!string.IsNullOrEmpty(form["Remove"]))
        {
            await Store.RemoveRemoteImageSenderAsync(User, form["Remove"].ToString(), CancellationToken.None);
            await LoadAsync();
            Say(C["Deleted"]);
            return;
        }
        var ok = await Store.AllowRemoteImagesAsync(User, form["Sender"].ToString(), CancellationToken.None);
        await LoadAsync();
        Say(ok ? C["Saved"] : C["SenderInvalid"], error: !ok);
    }

    private async Task ChangePasswordAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        var result = await Security.ChangePasswordAsync(User, form["Current"].ToString(), form["New"].ToString(), form["Confirm"].ToString(), CancellationToken.None);
        if (result == WebmailPasswordChangeResult.Changed)
        {
            await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            Navigation.NavigateTo(WebmailRoutes.SignIn + "?changed=1", forceLoad: true);
            return;
        }
        await LoadAsync();
        Say(result switch
        {
            WebmailPasswordChangeResult.WrongPassword => C["PasswordWrong"],
            WebmailPasswordChangeResult.Rejected => C["PasswordRejected", WebmailAccountSecurity.MinPasswordLength],
            _ => C["DirectoryUnavailable"],
        }, error: true);
    }

    private async Task SignOutSessionsAsync()
    {
        var form = await HttpContext.Request.ReadFormAsync();
        if (form["Action"] == "all")
        {
            await Security.SignOutEverywhereAsync(User, keep: null, CancellationToken.None);
            await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            Navigation.NavigateTo(WebmailRoutes.SignIn, forceLoad: true);
            return;
        }
        var ended = await Security.SignOutEverywhereAsync(User, Security.CurrentSessionKey(HttpContext), CancellationToken.None);
        await LoadAsync();
        Say(C["SessionsEnded", ended]);
    }

    private void Say(LocalizedString text, bool error = false)
    {
        _status = text.Value;
        _statusIsError = error;
    }
}

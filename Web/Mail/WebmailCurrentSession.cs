using Microsoft.AspNetCore.Components.Authorization;

namespace Mail.Web.Webmail;

/// <summary>
/// The IMAP session of the current scope (one static SSR request, shared by layout and page), opened on
/// first use from the signed-in user's credentials and closed when the scope ends.
/// </summary>
public sealed class WebmailCurrentSession(AuthenticationStateProvider authentication, WebmailMailSessionFactory factory) : IAsyncDisposable
{
    private WebmailMailSession? _session;
    private bool _resolved;

    /// <summary>The session, or null when the user is not signed in (or the session holds no usable credentials).</summary>
    public async Task<WebmailMailSession?> GetAsync()
    {
        if (!_resolved)
        {
            var state = await authentication.GetAuthenticationStateAsync();
            _session = factory.Open(state.User);
            _resolved = true;
        }
        return _session;
    }

    public ValueTask DisposeAsync() => _session?.DisposeAsync() ?? ValueTask.CompletedTask;
}

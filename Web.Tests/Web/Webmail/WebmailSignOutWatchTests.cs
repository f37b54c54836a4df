using System.Security.Claims;
using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Platform;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// <see cref="WebmailConnectionPool.WatchSignOut"/>, what an open tab's circuit waits on: keyed by sign-in, told at once
/// when the sign-in already ended (a circuit that starts late), told before the IMAP connections close, and told whether
/// or not this node pools the sign-in's IMAP session (also by the platform DB check).
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class WebmailSignOutWatchTests(WebmailHostFixture host)
{
    private WebmailConnectionPool Pool => host.Services.GetRequiredService<WebmailConnectionPool>();

    /// <summary>A signed-in principal of <paramref name="user"/> whose session row key is <paramref name="sessionKey"/> (no row is written).</summary>
    private ClaimsPrincipal PrincipalOf(string user, string sessionKey)
    {
        var principal = host.Services.GetRequiredService<WebmailCredentialProtector>()
            .CreatePrincipal(new WebmailCredentials(user, MailHostFixture.Password), CookieAuthenticationDefaults.AuthenticationScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(PlatformTicketStore.SessionKeyClaimType, sessionKey));
        return principal;
    }

    /// <summary>Writes a live <c>WebSessions</c> row for <paramref name="key"/>, so the pool's periodic DB check keeps the sign-in.</summary>
    private async Task AddSessionRowAsync(string key, string user)
    {
        var now = DateTime.UtcNow;
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync();
        db.WebSessions.Add(new WebSession { Key = key, Ticket = [], UserAddress = user, CreatedUtc = now, LastSeenUtc = now, ExpiresUtc = now.AddHours(1) });
        await db.SaveChangesAsync();
    }

    private static string NewKey() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private async Task<string> NewUserAsync(string prefix)
    {
        var user = prefix + Guid.NewGuid().ToString("N")[..8] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        return user;
    }

    [Fact]
    public async Task WatchSignOut_AfterTheSignInEnded_IsToldAtOnce_AndLeasesAreRefused()
    {
        var key = NewKey();
        var principal = PrincipalOf(MailHostFixture.Alice, key);
        Assert.False(Pool.IsSignedOut(principal));

        await Pool.RevokeAsync([key]);

        var told = 0;
        using (Pool.WatchSignOut(principal, () => told++))
        {
            // A circuit that subscribes after the sign-out (it started late, or its tab reconnected) is told on subscribing.
            Assert.Equal(1, told);
        }
        Assert.True(Pool.IsSignedOut(principal));
        await using var refused = Pool.Lease(principal);
        Assert.NotNull(refused);
        var error = await Assert.ThrowsAsync<WebmailUnavailableException>(() => refused.GetFoldersAsync(CancellationToken.None));
        Assert.Equal(WebmailFailure.CredentialsRejected, error.Failure);
    }

    [Fact]
    public async Task WatchSignOut_IsToldBeforeThePooledImapConnectionsClose()
    {
        var user = await NewUserAsync("sow");
        var key = NewKey();
        await AddSessionRowAsync(key, user);
        var principal = PrincipalOf(user, key);
        var session = Pool.Lease(principal);
        Assert.NotNull(session);
        await using (session)
        {
            Assert.NotEmpty(await session.GetFoldersAsync(CancellationToken.None));
            Assert.Equal(1, session.OpenConnections);

            int? openWhenTold = null;
            using var watch = Pool.WatchSignOut(principal, () => openWhenTold = session.OpenConnections);
            await Pool.RevokeAsync([key]);

            // Told first (the tab leaves at once), closed afterwards (LOGOUT may be slow), and nothing left open.
            Assert.Equal(1, openWhenTold);
            Assert.Equal(0, session.OpenConnections);
            Assert.Equal(0, Pool.SessionsOf(user));
            var error = await Assert.ThrowsAsync<WebmailUnavailableException>(() => session.GetFoldersAsync(CancellationToken.None));
            Assert.Equal(WebmailFailure.CredentialsRejected, error.Failure);
        }
    }

    [Fact]
    public async Task WatchSignOut_WithoutAPooledSession_IsToldByRevoke_AndOnlyOnce()
    {
        var key = NewKey();
        var principal = PrincipalOf(MailHostFixture.Alice, key);
        var told = 0;
        var other = 0;
        using var watch = Pool.WatchSignOut(principal, () => Interlocked.Increment(ref told));
        using var stopped = Pool.WatchSignOut(principal, () => Interlocked.Increment(ref other));
        stopped.Dispose();

        await Pool.RevokeAsync([key]);
        await Pool.RevokeAsync([key]);

        Assert.Equal(1, told);
        Assert.Equal(0, other);
    }

    [Fact]
    public async Task WatchSignOut_OfASignInWhoseRowIsGone_IsToldByTheSessionCheck()
    {
        // No WebSessions row for this key: to the platform DB check, the sign-in ended on some other node.
        var principal = PrincipalOf(MailHostFixture.Alice, NewKey());
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = Pool.WatchSignOut(principal, () => told.TrySetResult());

        await Pool.CheckSessionsAsync();

        await told.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(Pool.IsSignedOut(principal));
    }
}

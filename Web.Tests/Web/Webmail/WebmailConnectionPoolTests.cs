using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Protocols.Authentication;
using Mail.Shared.Directory;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The per-node IMAP connection pool: one login serves every request of a sign-in, sign-out closes it; and the
/// browser's address reaches IMAP (ID x-originating-ip) so failed webmail sign-ins are counted for the browser.
/// </summary>
[Collection(WebmailHostCollection.Name)]
public sealed class WebmailConnectionPoolTests(WebmailHostFixture host)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private async Task<string> NewUserAsync(string prefix)
    {
        var user = prefix + Guid.NewGuid().ToString("N")[..8] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        return user;
    }

    [Fact]
    public async Task RequestsOfOneSignIn_ShareOneImapLogin_AndSignOutClosesIt()
    {
        var user = await NewUserAsync("pool");
        var pool = host.Services.GetRequiredService<WebmailConnectionPool>();
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, user, MailHostFixture.Password);

        for (var i = 0; i < 3; i++)
        {
            using var page = await client.GetAsync(WebmailRoutes.Mail);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.Mail);
        Assert.Equal(1, pool.SessionsOf(user));
        Assert.Equal(1, pool.LoginsOf(user));

        using var signOut = await client.PostAsync(WebmailRoutes.SignOut, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(0, pool.SessionsOf(user));
    }

    [Fact]
    public async Task FullNode_EvictsTheIdleSession_RefusesWhenNoneIsIdle_AndIdleSessionsClose()
    {
        await using var node = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:PoolMaxSessions"] = "1",
            ["Mail:Webmail:PoolIdleSeconds"] = "1",
        });
        var pool = node.Services.GetRequiredService<WebmailConnectionPool>();
        var protector = node.Services.GetRequiredService<WebmailCredentialProtector>();
        var alice = protector.CreatePrincipal(new WebmailCredentials(MailHostFixture.Alice, MailHostFixture.Password), CookieAuthenticationDefaults.AuthenticationScheme);
        var bob = protector.CreatePrincipal(new WebmailCredentials(MailHostFixture.Bob, MailHostFixture.Password), CookieAuthenticationDefaults.AuthenticationScheme);

        var held = pool.Lease(alice);
        Assert.NotNull(held);
        Assert.NotEmpty(await held.GetFoldersAsync(CancellationToken.None));
        // Alice's session is in use: no room for Bob's.
        await using (var refused = pool.Lease(bob))
        {
            Assert.NotNull(refused);
            var error = await Assert.ThrowsAsync<WebmailUnavailableException>(() => refused.GetFoldersAsync(CancellationToken.None));
            Assert.Equal(WebmailFailure.TooManySessions, error.Failure);
        }
        Assert.Equal(0, pool.SessionsOf(MailHostFixture.Bob));

        // Handed back, Alice's session is the least recently used idle one: Bob's takes its place.
        await held.DisposeAsync();
        await using (var bobs = pool.Lease(bob))
        {
            Assert.NotNull(bobs);
            Assert.NotEmpty(await bobs.GetFoldersAsync(CancellationToken.None));
            Assert.Equal(0, pool.SessionsOf(MailHostFixture.Alice));
            Assert.Equal(1, pool.OpenConnections);
        }

        // Idle for PoolIdleSeconds: closed.
        var watch = Stopwatch.StartNew();
        while (pool.Count > 0)
        {
            Assert.True(watch.Elapsed < Generous, "the idle session was never closed");
            await Task.Delay(50);
        }
        Assert.Equal(0, pool.OpenConnections);
    }

    [Fact]
    public async Task IdleCommandConnection_IsLoggedOut_WhileTheSessionIsHeld_AndReopensOnTheNextOperation()
    {
        await using var node = await MailHostFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Webmail:PoolConnectionIdleSeconds"] = "1",
        });
        var pool = node.Services.GetRequiredService<WebmailConnectionPool>();
        var protector = node.Services.GetRequiredService<WebmailCredentialProtector>();
        var alice = protector.CreatePrincipal(new WebmailCredentials(MailHostFixture.Alice, MailHostFixture.Password), CookieAuthenticationDefaults.AuthenticationScheme);

        await using var held = pool.Lease(alice);
        Assert.NotNull(held);
        Assert.NotEmpty(await held.GetFoldersAsync(CancellationToken.None));
        Assert.Equal(1, pool.LoginsOf(MailHostFixture.Alice));

        // Held (an open tab) but idle for PoolConnectionIdleSeconds: the command connection is logged out, the session stays.
        var watch = Stopwatch.StartNew();
        while (pool.OpenConnections > 0)
        {
            Assert.True(watch.Elapsed < Generous, "the idle command connection was never closed");
            await Task.Delay(50);
        }
        Assert.Equal(1, pool.SessionsOf(MailHostFixture.Alice));

        // The next operation logs in again.
        Assert.NotEmpty(await held.GetFoldersAsync(CancellationToken.None));
        Assert.Equal(2, pool.LoginsOf(MailHostFixture.Alice));
    }

    [Fact]
    public async Task FailedWebmailSignIns_AreCountedForTheBrowserAddress_NotTheWebNode()
    {
        var throttle = host.Services.GetRequiredService<AuthFailureThrottle>();
        var browser = IPAddress.Parse($"127.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(2, 255)}");
        var other = IPAddress.Parse($"127.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(2, 255)}");
        var webNodeBefore = await throttle.FailuresAsync(IPAddress.Loopback);

        using var client = ClientFrom(browser);
        for (var i = 0; i < 3; i++)
        {
            var token = await WebmailHttp.FormTokenAsync(client, WebmailRoutes.SignIn);
            using var refused = await WebmailHttp.PostSignInAsync(client, MailHostFixture.Alice, "wrong password", token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(3, await throttle.FailuresAsync(browser));
        Assert.Equal(webNodeBefore, await throttle.FailuresAsync(IPAddress.Loopback));
        Assert.Equal(0, await throttle.FailuresAsync(other));
        // Another browser is not held back by the first one's failures.
        using var second = ClientFrom(other);
        await WebmailHttp.SignInAsync(second, MailHostFixture.Alice, MailHostFixture.Password);
    }

    /// <summary>An HTTP client whose connections come from <paramref name="source"/> (any 127/8 address is local on Linux).</summary>
    private HttpClient ClientFrom(IPAddress source) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = host.BaseAddress,
            Timeout = Generous,
        };
}

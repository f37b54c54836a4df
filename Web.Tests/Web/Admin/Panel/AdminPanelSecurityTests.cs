using System.Net;
using Mail.Shared.Directory;
using Mail.Web.Admin.Panel;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Admin.Panel;

/// <summary>The admin panel's sign-in, session cookie and defences, over HTTP against the real host.</summary>
[Collection(AdminPanelHostCollection.Name)]
public sealed class AdminPanelSecurityTests(AdminPanelHostFixture host)
{
    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/users?domain=example.com")]
    [InlineData("/admin/users/password?address=bob%40example.com")]
    [InlineData("/admin/aliases?domain=example.com")]
    public async Task AdminPages_WithoutAdminSession_RedirectToAdminSignIn(string path)
    {
        using var client = WebmailHttp.CreateClient(host);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(host.BaseAddress + "admin/signin?ReturnUrl=", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPages_WithOnlyAWebmailSession_RedirectToAdminSignIn()
    {
        using var client = WebmailHttp.CreateClient(host);
        await WebmailHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        using var response = await client.GetAsync(AdminPanelRoutes.Home);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(host.BaseAddress + "admin/signin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MailHostFixture.Bob, MailHostFixture.Password)] // a valid user, not an administrator
    [InlineData(MailHostFixture.Alice, "wrong-password")]
    [InlineData("nobody@example.com", MailHostFixture.Password)]
    public async Task SignIn_NonAdministratorOrWrongPassword_GetsTheSameRefusal_AndNoSession(string address, string password)
    {
        using var client = WebmailHttp.CreateClient(host);

        using var response = await AdminPanelHttp.PostSignInAsync(client, address, password);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong address or password.", html, StringComparison.Ordinal);
        Assert.Null(AdminPanelHttp.AdminCookie(response));
        Assert.DoesNotContain($"value=\"{password}\"", html, StringComparison.Ordinal);
        using var admin = await client.GetAsync(AdminPanelRoutes.Home);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
    }

    [Fact]
    public async Task SignIn_Administrator_GetsAStrictHttpOnlyCookieForAdminOnly_ThenSignOutEndsIt()
    {
        using var client = WebmailHttp.CreateClient(host);

        using var response = await AdminPanelHttp.PostSignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/admin", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        var cookie = AdminPanelHttp.AdminCookie(response);
        Assert.NotNull(cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase); // a session cookie
        var home = await client.GetStringAsync(AdminPanelRoutes.Home);
        Assert.Contains("data-testid=\"domains\"", home, StringComparison.Ordinal);
        // The admin session does not open the webmail (separate cookie, separate scheme).
        using var mail = await client.GetAsync(WebmailRoutes.Mail);
        Assert.Equal(HttpStatusCode.Redirect, mail.StatusCode);

        // Sign-out needs the token too; with it, the session ends.
        using var forged = await client.PostAsync(AdminPanelRoutes.SignOut, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(AdminPanelRoutes.Home)).StatusCode);
        var token = await WebmailHttp.FormTokenAsync(client, AdminPanelRoutes.Home);
        using var signOut = await client.PostAsync(AdminPanelRoutes.SignOut, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await client.GetAsync(AdminPanelRoutes.Home);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task CrossSitePost_WithoutAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        using var client = WebmailHttp.CreateClient(host);
        await AdminPanelHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var domain = "csrf-" + Guid.NewGuid().ToString("N")[..8] + ".test";

        using var response = await AdminPanelHttp.PostFormAsync(client, AdminPanelRoutes.Home, "add-domain", [new("NewDomain.Name", domain)], withToken: false);
        using var password = await AdminPanelHttp.PostFormAsync(client, AdminPanelRoutes.PasswordOf(MailHostFixture.Bob), "set-password",
            [new("Input.Password", "hijacked"), new("Input.Confirm", "hijacked")], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        var directory = host.Services.GetRequiredService<IMailDirectory>();
        Assert.False(await directory.IsLocalDomainAsync(domain, CancellationToken.None));
        Assert.Null(await directory.AuthenticateAsync(MailHostFixture.Bob, "hijacked", CancellationToken.None));

        // The same post with the page's token works (the test above is not refused for another reason).
        using var real = await AdminPanelHttp.PostFormAsync(client, AdminPanelRoutes.Home, "add-domain", [new("NewDomain.Name", domain)]);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.True(await directory.IsLocalDomainAsync(domain, CancellationToken.None));
    }

    [Fact]
    public async Task MarkupInDomainAndAddressInput_IsShownEncoded()
    {
        using var client = WebmailHttp.CreateClient(host);
        await AdminPanelHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        const string Script = "<script>alert('x')</script>";
        const string Image = "<img src=x onerror=alert(1)>";

        using var domain = await AdminPanelHttp.PostFormAsync(client, AdminPanelRoutes.Home, "add-domain", [new("NewDomain.Name", Script + ".test")]);
        var domainHtml = await domain.Content.ReadAsStringAsync();
        using var user = await AdminPanelHttp.PostFormAsync(client, AdminPanelRoutes.UsersOf(MailHostFixture.Domain), "add-user",
            [new("NewUser.LocalPart", Image), new("NewUser.Password", "secret-1")]);
        var userHtml = await user.Content.ReadAsStringAsync();
        using var search = await client.GetAsync(AdminPanelRoutes.UsersOf(MailHostFixture.Domain, Script));
        var searchHtml = await search.Content.ReadAsStringAsync();
        using var users = await client.GetAsync(AdminPanelRoutes.UsersOf(Image + ".test"));
        var usersHtml = await users.Content.ReadAsStringAsync();

        Assert.StartsWith("Not a valid domain name: " + Script, AdminPanelHttp.Notice(domainHtml), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", domainHtml, StringComparison.Ordinal);
        Assert.StartsWith("Not a valid address: " + Image, AdminPanelHttp.Notice(userHtml), StringComparison.Ordinal);
        foreach (var html in new[] { domainHtml, userHtml, searchHtml, usersHtml })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }
        Assert.Contains(Script, WebUtility.HtmlDecode(searchHtml), StringComparison.Ordinal);
        Assert.Contains(Image + ".test", WebUtility.HtmlDecode(usersHtml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserList_PagesAndSearches()
    {
        var domain = "paging-" + Guid.NewGuid().ToString("N")[..8] + ".test";
        var admin = host.Services.GetRequiredService<IDirectoryAdmin>();
        await admin.AddDomainAsync(domain, CancellationToken.None);
        foreach (var name in new[] { "anna", "bert", "carl", "dora", "emil" })
        {
            Assert.Equal(DirectoryChangeResult.Done, await admin.AddUserAsync($"{name}@{domain}", "pw-" + name, CancellationToken.None));
        }
        using var client = WebmailHttp.CreateClient(host);
        await AdminPanelHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);

        var first = await client.GetStringAsync(AdminPanelRoutes.UsersOf(domain));
        var third = await client.GetStringAsync(AdminPanelRoutes.UsersOf(domain, page: 3));
        var found = await client.GetStringAsync(AdminPanelRoutes.UsersOf(domain, "DOR"));
        var domains = await client.GetStringAsync(AdminPanelRoutes.Home);

        Assert.Equal(AdminPanelHostFixture.UsersPageSize, RowCount(first));
        Assert.Contains($"anna@{domain}", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 3 (5 users)", first, StringComparison.Ordinal);
        Assert.Equal(1, RowCount(third));
        Assert.Contains($"emil@{domain}", third, StringComparison.Ordinal);
        Assert.Equal(1, RowCount(found));
        Assert.Contains($"dora@{domain}", found, StringComparison.Ordinal);
        Assert.Matches($"data-domain=\"{System.Text.RegularExpressions.Regex.Escape(domain)}\"[\\s\\S]*?>5</a>", domains);
    }

    [Fact]
    public async Task Pages_InGerman_WhenTheBrowserAsksForIt()
    {
        using var client = WebmailHttp.CreateClient(host);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE,de;q=0.9");

        var signIn = WebUtility.HtmlDecode(await client.GetStringAsync(AdminPanelRoutes.SignIn));
        await AdminPanelHttp.SignInAsync(client, MailHostFixture.Alice, MailHostFixture.Password);
        var home = WebUtility.HtmlDecode(await client.GetStringAsync(AdminPanelRoutes.Home));

        Assert.Contains("Anmeldung zur Mail-Verwaltung", signIn, StringComparison.Ordinal);
        Assert.Contains("Domäne hinzufügen", home, StringComparison.Ordinal);
    }

    private static int RowCount(string html) => System.Text.RegularExpressions.Regex.Count(html, "data-testid=\"user-row\"");
}

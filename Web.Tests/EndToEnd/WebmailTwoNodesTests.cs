using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Mail.Web.Hosting;
using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Web.Platform;
using Mail.Web.Tests.Web.Webmail;
using MySqlConnector;
using Xunit.Abstractions;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>
/// Two web nodes (real server processes, <c>Mail:Roles=web</c>) in front of one mailbox node, all three on one MariaDB
/// platform DB (<c>MAIL_TEST_MYSQL</c>): a session signed in on node A continues on node B with the same cookie
/// (server-side session row, Data Protection keys in the platform DB), and survives <c>kill -9</c> of node A.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class WebmailTwoNodesTests(ITestOutputHelper output)
{
    private const string User = "dora@two.example";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [Fact]
    public async Task SessionFromNodeA_ContinuesOnNodeB_AndSurvivesKillingNodeA()
    {
        var database = PlatformTestServices.FreshMySqlConnectionString();
        string[] platform = ["--Mail:Database:Provider=MySql", $"--ConnectionStrings:Platform={database}"];
        try
        {
            await using var mailbox = await MailServerProcess.StartAsync(null, platform);
            await CheckAsync(mailbox, await mailbox.AdminAsync(null, ["domain", "add", "two.example", .. platform]));
            await CheckAsync(mailbox, await mailbox.AdminAsync(MailServerProcess.DefaultPassword + "\n", ["user", "add", User, "--password-stdin", .. platform]));
            var message = "From: <x@example.net>\r\nTo: <dora@two.example>\r\nSubject: Seen on every node\r\nMessage-ID: <n1@example.net>\r\n\r\nhello\r\n"u8.ToArray();
            var sent = await new MailKitSmtpSender().SendAsync("127.0.0.1", mailbox.SmtpPort, "x@example.net", User, [message], mailbox.DataPath);
            Assert.True(sent[0].Accepted, sent[0].Reply);

            string[] web = [.. platform, "--Mail:Roles=web", "--Mail:Webmail:ImapHost=127.0.0.1", $"--Mail:Webmail:ImapPort={mailbox.ImapPort}"];
            await using var nodeA = await MailServerProcess.StartAsync(null, web);
            await using var nodeB = await MailServerProcess.StartAsync(null, web);

            // One cookie jar for both nodes (cookies are per host, not per port): the browser behind a load balancer.
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
            {
                Timeout = TimeSpan.FromSeconds(60),
            };
            var token = await TokenAsync(http, new Uri(nodeA.HttpUrl, WebmailRoutes.SignIn));
            using (var signIn = await http.PostAsync(new Uri(nodeA.HttpUrl, WebmailRoutes.SignIn), new FormUrlEncodedContent(
            [
                new("_handler", "signin"), new("Input.Address", User), new("Input.Password", MailServerProcess.DefaultPassword), new("__RequestVerificationToken", token),
            ])))
            {
                Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in on A answered {(int)signIn.StatusCode}\n{nodeA.Log}");
            }
            await AssertSignedInAsync(http, nodeA, "node A");
            await AssertSignedInAsync(http, nodeB, "node B, same cookie");

            await nodeA.KillAsync();
            Assert.Null(nodeA.ProcessId);
            await AssertSignedInAsync(http, nodeB, "node B after kill -9 of node A");

            // Sign-out on B ends the session for every node (the row is gone).
            var signOutToken = await TokenAsync(http, new Uri(nodeB.HttpUrl, WebmailRoutes.Mail));
            using (var signOut = await http.PostAsync(new Uri(nodeB.HttpUrl, WebmailRoutes.SignOut), new FormUrlEncodedContent([new("__RequestVerificationToken", signOutToken)])))
            {
                Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
            }
            using var after = await http.GetAsync(new Uri(nodeB.HttpUrl, WebmailRoutes.Mail));
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Contains(WebmailRoutes.SignIn, after.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        finally
        {
            await DropAsync(database);
        }
    }

    /// <summary>
    /// "Sign out everywhere" on node B ends a sign-in on node A: node A's pool notices the session row is gone (checked
    /// every second here) and closes that sign-in's IMAP connection (counted by a relay between node A and the mailbox
    /// node); the circuit side (SignedOut) is tested in-process by SignOutEverywhereBrowserTests.
    /// </summary>
    [Fact]
    public async Task SignOutEverywhere_OnNodeB_ClosesNodeAsPooledImapConnection()
    {
        var database = PlatformTestServices.FreshMySqlConnectionString();
        string[] platform = ["--Mail:Database:Provider=MySql", $"--ConnectionStrings:Platform={database}"];
        try
        {
            await using var mailbox = await MailServerProcess.StartAsync(null, platform);
            await CheckAsync(mailbox, await mailbox.AdminAsync(null, ["domain", "add", "two.example", .. platform]));
            await CheckAsync(mailbox, await mailbox.AdminAsync(MailServerProcess.DefaultPassword + "\n", ["user", "add", User, "--password-stdin", .. platform]));
            await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, mailbox.ImapPort));
            string[] web = [.. platform, "--Mail:Roles=web", "--Mail:Webmail:ImapHost=127.0.0.1", "--Mail:Webmail:PoolSessionCheckSeconds=1"];
            await using var nodeA = await MailServerProcess.StartAsync(null, [.. web, $"--Mail:Webmail:ImapPort={relay.Port}"]);
            await using var nodeB = await MailServerProcess.StartAsync(null, [.. web, $"--Mail:Webmail:ImapPort={mailbox.ImapPort}"]);

            // A sign-in on node A with its mail open: node A's pool keeps that sign-in's IMAP connection (through the relay).
            using var httpA = NewClient();
            await SignInAsync(httpA, nodeA);
            using (var mail = await httpA.GetAsync(new Uri(nodeA.HttpUrl, WebmailRoutes.Mail)))
            {
                Assert.True(mail.StatusCode == HttpStatusCode.OK, $"node A: {(int)mail.StatusCode}\n{nodeA.Log}");
            }
            await WaitAsync(() => relay.OpenConnections > 0, "node A never opened an IMAP connection", nodeA);

            // Another sign-in of the same user, on node B, signs out everywhere.
            using var httpB = NewClient();
            await SignInAsync(httpB, nodeB);
            var settings = new Uri(nodeB.HttpUrl, "mail/settings");
            var settingsToken = await TokenAsync(httpB, settings);
            var watch = Stopwatch.StartNew();
            using (var everywhere = await httpB.PostAsync(settings, new FormUrlEncodedContent(
            [
                new("_handler", "sessions"), new("Action", "all"), new("__RequestVerificationToken", settingsToken),
            ])))
            {
                Assert.True((int)everywhere.StatusCode < 400, $"sign out everywhere on B answered {(int)everywhere.StatusCode}\n{nodeB.Log}");
            }

            // Node A's pool sees the row gone and closes the IMAP connection; A's cookie no longer signs in.
            await WaitAsync(() => relay.OpenConnections == 0, "node A kept the signed-out session's IMAP connection open", nodeA);
            var closed = watch.Elapsed;
            output.WriteLine($"sign out everywhere on node B -> node A closed the IMAP connection after {closed.TotalMilliseconds:F0} ms (pool check every 1 s)");
            using var after = await httpA.GetAsync(new Uri(nodeA.HttpUrl, WebmailRoutes.Mail));
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Contains(WebmailRoutes.SignIn, after.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(0, relay.OpenConnections);
        }
        finally
        {
            await DropAsync(database);
        }
    }

    private static HttpClient NewClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task SignInAsync(HttpClient http, MailServerProcess node)
    {
        var token = await TokenAsync(http, new Uri(node.HttpUrl, WebmailRoutes.SignIn));
        using var signIn = await http.PostAsync(new Uri(node.HttpUrl, WebmailRoutes.SignIn), new FormUrlEncodedContent(
        [
            new("_handler", "signin"), new("Input.Address", User), new("Input.Password", MailServerProcess.DefaultPassword), new("__RequestVerificationToken", token),
        ]));
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)signIn.StatusCode}\n{node.Log}");
    }

    private static async Task WaitAsync(Func<bool> condition, string failure, MailServerProcess node)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), failure + "\n" + node.Log);
            await Task.Delay(50);
        }
    }

    private static async Task AssertSignedInAsync(HttpClient http, MailServerProcess node, string where)
    {
        using var response = await http.GetAsync(new Uri(node.HttpUrl, WebmailRoutes.Mail));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{where}: {(int)response.StatusCode} {response.Headers.Location}\n{node.Log}");
        Assert.Contains(User, body, StringComparison.Ordinal);
        Assert.Contains("Seen on every node", body, StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(HttpClient http, Uri page)
    {
        var html = await http.GetStringAsync(page);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static Task CheckAsync(MailServerProcess server, ExternalResult result)
    {
        Assert.True(result.ExitCode == 0, result.Transcript + "\n" + server.Log);
        return Task.CompletedTask;
    }

    private static async Task DropAsync(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var name = builder.Database;
        builder.Database = "";
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS `{name}`";
        await command.ExecuteNonQueryAsync();
    }
}

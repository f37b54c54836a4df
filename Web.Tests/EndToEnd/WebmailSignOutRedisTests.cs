using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Shared.Directory.Caching;
using Mail.Web.Tests.Web.Platform;
using Mail.Web.Tests.Web.Webmail;
using Microsoft.Playwright;
using MySqlConnector;
using Xunit.Abstractions;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>
/// Sign-out everywhere across web nodes over Redis: two real web nodes (server processes, <c>Mail:Roles=web</c>) and a
/// mailbox node on one MariaDB platform DB (<c>MAIL_TEST_MYSQL</c>) and the real Redis (<c>MAIL_TEST_REDIS</c>); a real
/// chromium tab is open on node B while another sign-in of the same user signs out everywhere on node A. Node B's DB
/// check is set to 10 minutes, so only the Redis announcement can end the tab in time; with Redis down the DB check
/// (every second here) still does, and the sign-out does not fail.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebmailSignOutRedisTests(ITestOutputHelper output)
{
    private const string User = "ria@redis.example";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SignOutEverywhere_OnNodeA_SendsNodeBsOpenTabToSignIn_AndClosesItsImap_OverRedis()
    {
        var redis = Environment.GetEnvironmentVariable(RedisDirectoryCacheTests.RedisEnvironmentVariable);
        Assert.False(string.IsNullOrWhiteSpace(redis), "MAIL_TEST_REDIS must name the test Redis (scripts/services.sh env).");
        var (tab, imapClosed) = await SignOutEverywhereAsync(redis, checkSecondsOnB: 600);
        // The DB check of node B would take 10 minutes: only Redis explains these.
        Assert.True(tab < TimeSpan.FromSeconds(30), $"the tab took {tab.TotalMilliseconds:F0} ms");
        Assert.True(imapClosed < TimeSpan.FromSeconds(30), $"the IMAP connections took {imapClosed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task SignOutEverywhere_WithRedisDown_Succeeds_AndTheDbCheckEndsNodeBsTab()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var deadRedis = "127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await SignOutEverywhereAsync(deadRedis, checkSecondsOnB: 1);
    }

    /// <summary>Runs the scenario; returns how long after the POST started node B's tab was at the sign-in page and its IMAP connections were closed.</summary>
    private async Task<(TimeSpan Tab, TimeSpan ImapClosed)> SignOutEverywhereAsync(string redis, int checkSecondsOnB)
    {
        var database = PlatformTestServices.FreshMySqlConnectionString();
        string[] platform = ["--Mail:Database:Provider=MySql", $"--ConnectionStrings:Platform={database}"];
        try
        {
            await using var mailbox = await MailServerProcess.StartAsync(null, platform);
            Check(mailbox, await mailbox.AdminAsync(null, ["domain", "add", "redis.example", .. platform]));
            Check(mailbox, await mailbox.AdminAsync(MailServerProcess.DefaultPassword + "\n", ["user", "add", User, "--password-stdin", .. platform]));
            await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, mailbox.ImapPort));
            string[] web = [.. platform, "--Mail:Roles=web", "--Mail:Webmail:ImapHost=127.0.0.1", $"--ConnectionStrings:Redis={redis}"];
            await using var nodeA = await MailServerProcess.StartAsync(null, [.. web, $"--Mail:Webmail:ImapPort={mailbox.ImapPort}"]);
            await using var nodeB = await MailServerProcess.StartAsync(null,
                [.. web, $"--Mail:Webmail:ImapPort={relay.Port}", $"--Mail:Webmail:PoolSessionCheckSeconds={checkSecondsOnB}"]);

            // A real tab signed in on node B, its circuit up and its IMAP connections (through the relay) open.
            var (playwright, browser) = await WebmailBrowser.LaunchAsync();
            try
            {
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = nodeB.HttpUrl.ToString() });
                var page = await context.NewPageAsync();
                page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
                await page.GotoAsync(WebmailRoutes.SignIn.TrimStart('/'));
                await page.FillAsync("#address", User);
                await page.FillAsync("#password", MailServerProcess.DefaultPassword);
                await page.ClickAsync("[data-testid=signin-submit]");
                await page.WaitForSelectorAsync("section.list-pane");
                await ShellSession.WaitInteractiveAsync(page);
                await WaitAsync(() => relay.OpenConnections > 0, "node B never opened an IMAP connection", nodeB);

                // Another sign-in of the same user, on node A, signs out everywhere.
                using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
                {
                    BaseAddress = nodeA.HttpUrl,
                    Timeout = Patience,
                };
                await WebmailHttp.SignInAsync(http, User, MailServerProcess.DefaultPassword);
                var token = await WebmailHttp.FormTokenAsync(http, "mail/settings");
                var watch = Stopwatch.StartNew();
                // Node B is watched while the POST runs: node A tells the other nodes before it closes its own connections.
                var post = http.PostAsync("mail/settings", new FormUrlEncodedContent(
                [
                    new("_handler", "sessions"), new("Action", "all"), new("__RequestVerificationToken", token),
                ]));
                TimeSpan? posted = null;
                TimeSpan? tab = null;
                TimeSpan? imapClosed = null;
                while (tab is null || imapClosed is null || posted is null)
                {
                    Assert.True(watch.Elapsed < Patience, $"node B: tab at {page.Url}, {relay.OpenConnections} IMAP connections open\n{nodeB.Log}");
                    if (posted is null && post.IsCompleted)
                    {
                        posted = watch.Elapsed;
                        using var everywhere = await post;
                        Assert.True((int)everywhere.StatusCode < 400, $"sign out everywhere on A answered {(int)everywhere.StatusCode}\n{nodeA.Log}");
                    }
                    if (tab is null && page.Url.Contains(WebmailRoutes.SignIn, StringComparison.Ordinal))
                    {
                        tab = watch.Elapsed;
                    }
                    if (imapClosed is null && relay.OpenConnections == 0)
                    {
                        imapClosed = watch.Elapsed;
                    }
                    await Task.Delay(5);
                }
                await page.WaitForSelectorAsync("[data-testid=signin-submit]");
                output.WriteLine($"Redis {redis}, node B DB check every {checkSecondsOnB} s: POST on node A answered after " +
                    $"{posted.Value.TotalMilliseconds:F0} ms; node B's tab at the sign-in page after {tab.Value.TotalMilliseconds:F0} ms, " +
                    $"its IMAP connections closed after {imapClosed.Value.TotalMilliseconds:F0} ms (from the start of the POST)");

                // Nothing logs in to IMAP again for the ended sign-in.
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.Equal(0, relay.OpenConnections);
                return (tab.Value, imapClosed.Value);
            }
            finally
            {
                await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
                playwright.Dispose();
            }
        }
        finally
        {
            await DropAsync(database);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string failure, MailServerProcess node)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Patience, failure + "\n" + node.Log);
            await Task.Delay(20);
        }
    }

    private static void Check(MailServerProcess server, ExternalResult result) =>
        Assert.True(result.ExitCode == 0, result.Transcript + "\n" + server.Log);

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

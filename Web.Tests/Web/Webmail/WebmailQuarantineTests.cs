using System.Diagnostics;
using System.Net;
using Mail.Protocols.Filtering.Quarantine;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Hosting;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Tests.Protocols.Filtering;
using Mail.Web.Tests.Protocols.Smtp;
using Mail.Web.Tests.Web.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>
/// The quarantine end to end in the whole host (real clamd): a virus for alice is kept, listed on alice's
/// <c>/mail/quarantine</c> page and by <c>admin quarantine list</c>, invisible and unreleasable for bob, and released
/// once into alice's INBOX by her button (antiforgery-checked) or by the admin CLI.
/// </summary>
public sealed class WebmailQuarantineTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private MailHostFixture? _host;

    private MailHostFixture Host => _host!;

    public async Task InitializeAsync() => _host = await MailHostFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Mail:Filters:Clamd:Endpoint"] = FilterDaemons.Clamd,
        ["Mail:Filters:Clamd:TimeoutSeconds"] = "90",
        ["Mail:Filters:Quarantine:Domains:example.com:Viruses"] = "true",
        ["Mail:Filters:Quarantine:ReleasePollMilliseconds"] = "100",
    });

    public async Task DisposeAsync() => await _host!.DisposeAsync();

    private async Task<QuarantineEntry> SendVirusAsync(string subject)
    {
        await using var client = await WireClient.ConnectAsync(Host.Endpoint(MailEndpoints.SmtpIn));
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        await client.SendLineAsync("EHLO client.example");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync("MAIL FROM:<sender@remote.example>");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        await client.SendLineAsync($"RCPT TO:<{MailHostFixture.Alice}>");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        var reply = await SmtpTestBase.SendDataAsync(client, FilterTestMessages.ToWire(FilterTestMessages.Plain(FilterTestMessages.Eicar, subject)));
        Assert.StartsWith("250 2.0.0", reply);
        var store = Host.Services.GetRequiredService<IQuarantineStore>();
        return (await store.ListAsync(MailHostFixture.Alice, CancellationToken.None)).Single(e => e.Subject == subject);
    }

    private async Task<int> InboxCountAsync(string account)
    {
        var store = await Host.Services.GetRequiredService<IMailStore>().OpenAccountAsync(account, CancellationToken.None);
        var inbox = await store.GetMailboxAsync("INBOX", CancellationToken.None);
        return (await store.GetMessagesAsync(inbox!.Id, CancellationToken.None)).Count;
    }

    private async Task WaitForStateAsync(string id, QuarantineState state)
    {
        var store = Host.Services.GetRequiredService<IQuarantineStore>();
        var watch = Stopwatch.StartNew();
        while ((await store.FindAsync(null, id, CancellationToken.None))?.State != state)
        {
            Assert.True(watch.Elapsed < Generous, $"entry {id} never became {state}");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string id)
    {
        var token = await WebmailHttp.FormTokenAsync(client, "mail/quarantine?done=x");
        return await client.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent([new("id", id), new("__RequestVerificationToken", token)]));
    }

    [Fact]
    public async Task Page_ListsOwnEntries_ReleaseButtonDeliversOnce_OtherUserCannot()
    {
        var entry = await SendVirusAsync("virus for alice");
        var before = await InboxCountAsync(MailHostFixture.Alice);
        using var bob = WebmailHttp.CreateClient(Host);
        await WebmailHttp.SignInAsync(bob, MailHostFixture.Bob, MailHostFixture.Password);
        using var alice = WebmailHttp.CreateClient(Host);
        await WebmailHttp.SignInAsync(alice, MailHostFixture.Alice, MailHostFixture.Password);

        Assert.DoesNotContain("virus for alice", await bob.GetStringAsync("mail/quarantine"), StringComparison.Ordinal);
        using (var bobRelease = await PostAsync(bob, WebmailQuarantineEndpoints.Release, entry.Id))
        {
            Assert.Equal(HttpStatusCode.Redirect, bobRelease.StatusCode);
            Assert.EndsWith("done=notfound", bobRelease.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
        using (var bobDelete = await PostAsync(bob, WebmailQuarantineEndpoints.Delete, entry.Id))
        {
            Assert.EndsWith("done=notfound", bobDelete.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
        var page = await alice.GetStringAsync("mail/quarantine");
        Assert.Contains("virus for alice", page, StringComparison.Ordinal);
        Assert.Contains($"data-id=\"{entry.Id}\"", page, StringComparison.Ordinal);

        using (var forged = await alice.PostAsync(WebmailQuarantineEndpoints.Release.TrimStart('/'), new FormUrlEncodedContent([new("id", entry.Id)])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        using (var release = await PostAsync(alice, WebmailQuarantineEndpoints.Release, entry.Id))
        {
            Assert.EndsWith("done=released", release.Headers.Location?.ToString(), StringComparison.Ordinal);
        }
        await WaitForStateAsync(entry.Id, QuarantineState.Released);
        using (var again = await PostAsync(alice, WebmailQuarantineEndpoints.Release, entry.Id))
        {
            Assert.EndsWith("done=already", again.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(before + 1, await InboxCountAsync(MailHostFixture.Alice));
        Assert.Contains("data-testid=\"quarantine-released\"", await alice.GetStringAsync("mail/quarantine"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteButton_RemovesOwnEntry()
    {
        var entry = await SendVirusAsync("virus to delete");
        using var alice = WebmailHttp.CreateClient(Host);
        await WebmailHttp.SignInAsync(alice, MailHostFixture.Alice, MailHostFixture.Password);

        using var delete = await PostAsync(alice, WebmailQuarantineEndpoints.Delete, entry.Id);

        Assert.EndsWith("done=deleted", delete.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Null(await Host.Services.GetRequiredService<IQuarantineStore>().FindAsync(null, entry.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AdminCli_ListsShowsAndReleasesWhileTheServerRuns()
    {
        var entry = await SendVirusAsync("virus for the admin");
        var before = await InboxCountAsync(MailHostFixture.Alice);
        var dataPath = "--Mail:DataPath=" + Host.DataPath;

        var list = await AdminProcess.RunAsync(["quarantine", "list", "example.com", dataPath]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains($"{entry.Id}\theld\tvirus\t{MailHostFixture.Alice}", list.Output, StringComparison.Ordinal);
        var show = await AdminProcess.RunAsync(["quarantine", "show", entry.Id, dataPath]);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("Subject: virus for the admin", show.Output, StringComparison.Ordinal);

        var release = await AdminProcess.RunAsync(["quarantine", "release", entry.Id, dataPath]);
        Assert.True(release.ExitCode == 0, release.ToString());
        await WaitForStateAsync(entry.Id, QuarantineState.Released);
        var again = await AdminProcess.RunAsync(["quarantine", "release", entry.Id, dataPath]);

        Assert.NotEqual(0, again.ExitCode);
        Assert.Equal(before + 1, await InboxCountAsync(MailHostFixture.Alice));
        var missing = await AdminProcess.RunAsync(["quarantine", "delete", "0123456789abcdef", dataPath]);
        Assert.NotEqual(0, missing.ExitCode);
    }
}

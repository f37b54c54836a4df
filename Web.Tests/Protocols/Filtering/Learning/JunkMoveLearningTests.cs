using System.Text;
using MailKit;
using MailKit.Net.Imap;
using Mail.Protocols.Filtering.Learning;
using Mail.Shared.Directory;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Filtering.Learning;

/// <summary>
/// Moving messages into and out of Junk over IMAP (MailKit against the in-process host) trains the user's Bayes data:
/// into Junk = spam, out of Junk = ham (re-learned, not counted twice), out of Junk into Trash = nothing.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class JunkMoveLearningTests(MailHostFixture host)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private async Task<string> NewUserAsync()
    {
        var address = $"learn{Guid.NewGuid():N}"[..16] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(address, MailHostFixture.Password, CancellationToken.None));
        return address;
    }

    private async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient { Timeout = 30_000 };
        var endpoint = host.Endpoint(MailEndpoints.Imap);
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailHostFixture.Password);
        return client;
    }

    private async Task WaitForAsync(string user, Func<BayesStatistics, bool> condition, string what)
    {
        var learner = host.Services.GetRequiredService<ISpamLearner>();
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var stats = await learner.GetStatisticsAsync(user, CancellationToken.None);
            if (condition(stats))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what}: spam {stats.SpamMessages}, ham {stats.HamMessages} after {Timeout.TotalSeconds} s");
            }
            await Task.Delay(100);
        }
    }

    private static MimeKit.MimeMessage Message(string subject) =>
        MimeKit.MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(
            $"From: promo@deals.example\r\nTo: someone@example.com\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@deals.example>\r\n\r\n"
            + "Cheap watches and pills, limited offer, click now " + Guid.NewGuid().ToString("N") + "\r\n")));

    [Fact]
    public async Task MoveIntoJunk_LearnsSpam_MoveBackOut_RelearnsAsHam()
    {
        var user = await NewUserAsync();
        using var client = await ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var uid = (await client.Inbox.AppendAsync(Message("offer")))!.Value;
        var junk = await client.GetFolderAsync("Junk");

        await client.Inbox.MoveToAsync(uid, junk);
        await WaitForAsync(user, s => s.SpamMessages == 1 && s.HamMessages == 0, "spam after the move into Junk");

        await junk.OpenAsync(FolderAccess.ReadWrite);
        var inJunk = await junk.SearchAsync(MailKit.Search.SearchQuery.All);
        await junk.MoveToAsync(inJunk, client.Inbox);
        await WaitForAsync(user, s => s.SpamMessages == 0 && s.HamMessages == 1, "ham after the move out of Junk");
    }

    [Fact]
    public async Task MoveFromJunkToTrash_And_MovesBetweenOrdinaryFolders_TeachNothing()
    {
        var user = await NewUserAsync();
        using var client = await ConnectAsync(user);
        var junk = await client.GetFolderAsync("Junk");
        var trash = await client.GetFolderAsync("Trash");
        var archive = await client.GetFolderAsync("Archive");
        await junk.AppendAsync(Message("in junk"));
        await client.Inbox.AppendAsync(Message("in inbox"));

        await junk.OpenAsync(FolderAccess.ReadWrite);
        await junk.MoveToAsync(await junk.SearchAsync(MailKit.Search.SearchQuery.All), trash);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await client.Inbox.MoveToAsync(await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All), archive);
        // A control move into Junk, so the test knows the worker has caught up with the two moves before it.
        var control = (await client.Inbox.AppendAsync(Message("control")))!.Value;
        await client.Inbox.CopyToAsync(control, junk);

        await WaitForAsync(user, s => s.SpamMessages == 1, "the control copy into Junk");
        var stats = await host.Services.GetRequiredService<ISpamLearner>().GetStatisticsAsync(user, CancellationToken.None);
        Assert.Equal(0, stats.HamMessages);
    }
}

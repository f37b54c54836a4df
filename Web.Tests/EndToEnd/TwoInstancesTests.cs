using System.Net.Http;
using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Mail.Web.Tests.EndToEnd;

/// <summary>Two instances of the real binary with different data paths and ports run side by side, each with its own data.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task TwoInstances_DifferentDataPathsAndPorts_ServeTheirOwnMailboxes()
    {
        await using var first = await MailServerProcess.StartAsync();
        await using var second = await MailServerProcess.StartAsync();
        Assert.NotEqual(first.DataPath, second.DataPath);

        await first.AddDomainAsync("one.example");
        await first.AddUserAsync("alice@one.example");
        await second.AddDomainAsync("two.example");
        await second.AddUserAsync("bob@two.example");

        var message = "From: <x@example.net>\r\nTo: <alice@one.example>\r\nSubject: first\r\nMessage-ID: <1@example.net>\r\n\r\nfor the first instance\r\n"u8.ToArray();
        var sender = new MailKitSmtpSender();
        var toFirst = await sender.SendAsync("127.0.0.1", first.SmtpPort, "x@example.net", "alice@one.example", [message], first.DataPath);
        Assert.True(toFirst[0].Accepted, toFirst[0].Reply);

        // Each instance knows only its own directory.
        var wrongInstance = await sender.SendAsync("127.0.0.1", second.SmtpPort, "x@example.net", "alice@one.example", [message], second.DataPath);
        Assert.False(wrongInstance[0].Accepted);
        var toSecond = await sender.SendAsync("127.0.0.1", second.SmtpPort, "x@example.net", "bob@two.example", [message], second.DataPath);
        Assert.True(toSecond[0].Accepted, toSecond[0].Reply);

        Assert.Equal(1, await CountAsync(first.ImapPort, "alice@one.example"));
        Assert.Equal(1, await CountAsync(second.ImapPort, "bob@two.example"));

        // Both web hosts answer on their own ports.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.True((int)(await http.GetAsync(first.HttpUrl)).StatusCode < 500);
        Assert.True((int)(await http.GetAsync(second.HttpUrl)).StatusCode < 500);
    }

    private static async Task<int> CountAsync(int imapPort, string user)
    {
        using var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServerProcess.DefaultPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var count = client.Inbox.Count;
        await client.DisconnectAsync(quit: true);
        return count;
    }
}

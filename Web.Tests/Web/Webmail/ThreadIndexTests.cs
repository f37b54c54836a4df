using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using Mail.Shared.Directory;
using Mail.Web.Tests.Infrastructure;
using Mail.Web.Webmail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Web.Webmail;

/// <summary>The conversation index against the real IMAP server and the host's platform DB: threading, merges and incremental sync.</summary>
[Collection(WebmailHostCollection.Name)]
public sealed class ThreadIndexTests(WebmailHostFixture host, ITestOutputHelper output)
{
    private WebmailMailSession Open(string user)
    {
        var protector = host.Services.GetRequiredService<WebmailCredentialProtector>();
        var principal = protector.CreatePrincipal(new WebmailCredentials(user, MailHostFixture.Password), "test");
        return host.Services.GetRequiredService<WebmailMailSessionFactory>().Open(principal) ?? throw new InvalidOperationException("no session");
    }

    private static MimeMessage Message(string id, string subject, params string[] references)
    {
        var m = new MimeMessage { MessageId = id, Subject = subject, Body = new TextPart("plain") { Text = subject } };
        m.From.Add(new MailboxAddress("Peer", "peer@example.org"));
        m.To.Add(new MailboxAddress("Me", "me@example.com"));
        if (references.Length > 0)
        {
            m.InReplyTo = references[^1];
            m.References.AddRange(references);
        }
        return m;
    }

    private static async Task AppendAsync(ImapClient imap, params MimeMessage[] messages)
    {
        foreach (var m in messages)
        {
            await imap.Inbox.AppendAsync(m, MessageFlags.None);
        }
    }

    [Fact]
    public async Task ReplyBeforeItsParent_AndAMessageLinkingTwoThreads_EndInOneConversation()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "thr");
        var index = host.Services.GetRequiredService<WebmailThreadIndex>();
        await using var session = Open(user);
        using var imap = await ListImap.ConnectAsync(host, user);

        await AppendAsync(imap, Message("b@x", "Re: A", "a@x"));
        Assert.Equal(1, await index.SyncAsync(session, CancellationToken.None));
        await AppendAsync(imap, Message("a@x", "A"), Message("x@x", "X"));
        Assert.Equal(2, await index.SyncAsync(session, CancellationToken.None));
        var conversations = await index.ListAsync(user, 0, 10, CancellationToken.None);
        Assert.Equal(2, conversations.Count);
        Assert.Equal(2, Assert.Single(conversations, c => c.ThreadId == "a@x").Count);

        // A message referencing both conversations merges them.
        await AppendAsync(imap, Message("m@x", "Re: both", "x@x", "b@x"));
        Assert.Equal(1, await index.SyncAsync(session, CancellationToken.None));
        var merged = Assert.Single(await index.ListAsync(user, 0, 10, CancellationToken.None));
        Assert.Equal(4, merged.Count);
        Assert.Equal(4, merged.Unread);
        Assert.Equal(new[] { "A", "Re: A", "Re: both", "X" }, (await index.MessagesAsync(user, merged.ThreadId, CancellationToken.None)).Select(m => m.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sync_ReadsOnlyChanges_FlagsFromCondstore_ExpungesFromTheUidSet()
    {
        var user = await ListSelectionTests.NewUserAsync(host, "inc");
        var index = host.Services.GetRequiredService<WebmailThreadIndex>();
        await using var session = Open(user);
        using var imap = await ListImap.ConnectAsync(host, user);
        const int count = 400;
        var requests = Enumerable.Range(0, count)
            .Select(i => (IAppendRequest)new AppendRequest(Message($"m{i}@x", $"T{i / 4}", i % 4 == 0 ? Array.Empty<string>() : new[] { $"m{i - (i % 4)}@x" }), MessageFlags.None))
            .ToList();
        await imap.Inbox.AppendAsync(requests);

        var clock = Stopwatch.StartNew();
        Assert.Equal(count, await index.SyncAsync(session, CancellationToken.None));
        var initial = clock.Elapsed;
        clock.Restart();
        Assert.Equal(0, await index.SyncAsync(session, CancellationToken.None));
        var unchanged = clock.Elapsed;
        output.WriteLine($"initial index of {count} messages: {initial.TotalMilliseconds:F0} ms; sync with no change: {unchanged.TotalMilliseconds:F0} ms");
        Assert.Equal(count / 4, await index.CountAsync(user, CancellationToken.None));

        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        await imap.Inbox.AddFlagsAsync(uids.Take(4).ToList(), MessageFlags.Seen, silent: true);
        await imap.Inbox.AddFlagsAsync(uids.Skip(4).Take(1).ToList(), MessageFlags.Deleted, silent: true);
        await imap.Inbox.ExpungeAsync();
        await imap.Inbox.CloseAsync();

        Assert.Equal(0, await index.SyncAsync(session, CancellationToken.None));
        var all = await index.ListAsync(user, 0, count, CancellationToken.None);
        Assert.Equal(0, Assert.Single(all, c => c.Subject == "T0").Unread);
        Assert.Equal(3, Assert.Single(all, c => c.Subject == "T1").Count);
        Assert.Equal(count - 1 - 4, all.Sum(c => c.Unread));
    }
}

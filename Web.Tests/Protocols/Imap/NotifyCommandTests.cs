using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Mail.Shared.Directory;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Imap;

/// <summary>
/// NOTIFY (RFC 5465) over real sockets: a watching session and a second session of the same (fresh) user that makes the
/// changes. Unsolicited responses are read without sending a command, as §5 allows them between commands.
/// </summary>
[Collection(ImapHostCollection.Name)]
public sealed class NotifyCommandTests(ImapHostFixture host)
{
    private async Task<string> NewUserAsync()
    {
        var user = "notify" + Guid.NewGuid().ToString("N")[..10] + "@" + MailHostFixture.Domain;
        Assert.Equal(DirectoryChangeResult.Done, await host.Services.GetRequiredService<IDirectoryAdmin>().AddUserAsync(user, MailHostFixture.Password, CancellationToken.None));
        return user;
    }

    private static async Task<string> ReadUntilAsync(ImapTestConnection c, string prefix)
    {
        while (true)
        {
            var line = await c.ReadLineAsync();
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    [Fact]
    public async Task Capability_AdvertisesNotifyAndContextSort()
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        var caps = (await c.CommandAsync("c CAPABILITY"))[0].Split(' ');
        Assert.Contains("NOTIFY", caps);
        Assert.Contains("CONTEXT=SORT", caps);
    }

    [Fact]
    public async Task NotifySetStatus_SendsStatusOfNamedMailboxBeforeOk()
    {
        var user = await NewUserAsync();
        await using var c = await host.LoginAsync(user);
        await ImapTranscript.CreateWithAsync(c, "box", ImapTestMessages.Simple());
        var reply = await c.CommandAsync("n NOTIFY SET STATUS (mailboxes box (MessageNew MessageExpunge FlagChange))");
        Assert.Matches(@"^\* STATUS ""box"" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1 HIGHESTMODSEQ \d+\)$", reply[0]);
        Assert.Equal("n OK NOTIFY completed", reply[^1]);
        Assert.Equal(["n OK NOTIFY completed"], await c.CommandAsync("n NOTIFY SET (mailboxes box (MessageNew MessageExpunge))"));
    }

    [Fact]
    public async Task OtherMailbox_NewExpungeAndFlags_StatusArrivesBetweenCommands()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await ImapTranscript.CreateWithAsync(other, "box", ImapTestMessages.Simple());
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY SET (personal (MessageNew MessageExpunge FlagChange))"));

        await other.SendAsync(ImapTestMessages.AppendPlus("a", "box", ImapTestMessages.Simple("second")));
        await other.ReadUntilTaggedAsync("a");
        Assert.Matches(@"^\* STATUS ""box"" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 2 HIGHESTMODSEQ \d+\)$", await watcher.ReadLineAsync());

        await other.CommandAsync("s SELECT box");
        await other.CommandAsync("f STORE 1 +FLAGS.SILENT (\\Seen)");
        Assert.Matches(@"^\* STATUS ""box"" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 1 HIGHESTMODSEQ \d+\)$", await watcher.ReadLineAsync());

        await other.CommandAsync("d STORE 2 +FLAGS.SILENT (\\Deleted)");
        await watcher.ReadLineAsync();
        await other.CommandAsync("e EXPUNGE");
        Assert.Matches(@"^\* STATUS ""box"" \(MESSAGES 1 UIDNEXT 3 ", await watcher.ReadLineAsync());
        Assert.Equal(["z OK NOOP completed"], await watcher.CommandAsync("z NOOP"));
    }

    [Fact]
    public async Task Selected_MessageNewWithFetchAtt_FlagsAndExpunge_ReportedImmediately()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await ImapTranscript.CreateWithAsync(other, "box", ImapTestMessages.Simple());
        await watcher.CommandAsync("e ENABLE IMAP4rev2");
        await watcher.CommandAsync("s SELECT box");
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) MessageExpunge FlagChange))"));

        await other.SendAsync(ImapTestMessages.AppendPlus("a", "box", ImapTestMessages.Simple("second")));
        await other.ReadUntilTaggedAsync("a");
        Assert.Equal("* 2 EXISTS", await watcher.ReadLineAsync());
        var fetch = await watcher.ReadLineAsync();
        Assert.StartsWith("* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {", fetch, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Subject: second", fetch, StringComparison.Ordinal);

        await other.CommandAsync("o SELECT box");
        await other.CommandAsync("f STORE 1 +FLAGS.SILENT (\\Flagged)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Flagged))", await watcher.ReadLineAsync());
        await other.CommandAsync("d STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Deleted))", await watcher.ReadLineAsync());
        await other.CommandAsync("x EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task SelectedDelayed_ExpungeWaitsForCommand()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await ImapTranscript.CreateWithAsync(other, "box", ImapTestMessages.Simple(), ImapTestMessages.Simple("two"));
        await watcher.CommandAsync("e ENABLE IMAP4rev2");
        await watcher.CommandAsync("s SELECT box");
        await watcher.CommandAsync("n NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange))");
        await other.CommandAsync("o SELECT box");
        await other.CommandAsync("d STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Deleted))", await watcher.ReadLineAsync());
        await other.CommandAsync("x EXPUNGE");
        await other.SendAsync(ImapTestMessages.AppendPlus("a", "box", ImapTestMessages.Simple("three")));
        await other.ReadUntilTaggedAsync("a");
        // The new message is announced at once; the expunge waits for a command that allows it.
        Assert.Equal("* 3 EXISTS", await watcher.ReadLineAsync());
        Assert.Equal(["* 1 EXPUNGE", "z OK NOOP completed"], await watcher.CommandAsync("z NOOP"));
    }

    [Fact]
    public async Task MailboxNameAndSubscriptionChange_ReportedAsList()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY SET (personal (MailboxName SubscriptionChange))"));
        await other.CommandAsync("c CREATE first");
        Assert.Equal("* LIST () \"/\" \"first\"", await watcher.ReadLineAsync());
        await other.CommandAsync("r RENAME first second");
        Assert.Equal("* LIST () \"/\" \"second\" (\"OLDNAME\" (\"first\"))", await watcher.ReadLineAsync());
        await other.CommandAsync("s SUBSCRIBE second");
        Assert.Equal("* LIST (\\Subscribed) \"/\" \"second\"", await watcher.ReadLineAsync());
        await other.CommandAsync("u UNSUBSCRIBE second");
        Assert.Equal("* LIST () \"/\" \"second\"", await watcher.ReadLineAsync());
        await other.CommandAsync("d DELETE second");
        Assert.Equal("* LIST (\\NonExistent) \"/\" \"second\"", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task MailboxMetadataChange_ReportedAsMetadata()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await other.CommandAsync("c CREATE meta");
        await watcher.CommandAsync("n NOTIFY SET (mailboxes meta (MailboxMetadataChange))");
        await other.CommandAsync("m SETMETADATA meta (/shared/comment \"hello\")");
        Assert.Equal("* METADATA \"meta\" (\"/shared/comment\")", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_WithNotify_ReportsOtherMailbox()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await ImapTranscript.CreateWithAsync(other, "box");
        await watcher.CommandAsync("s SELECT INBOX");
        await watcher.CommandAsync("n NOTIFY SET (selected (MessageNew MessageExpunge)) (subtree box (MessageNew MessageExpunge))");
        await watcher.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await watcher.ReadLineAsync());
        await other.SendAsync(ImapTestMessages.AppendPlus("a", "box", ImapTestMessages.Simple()));
        await other.ReadUntilTaggedAsync("a");
        Assert.Matches(@"^\* STATUS ""box"" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1\)$", await watcher.ReadLineAsync());
        await watcher.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await watcher.ReadLineAsync());
    }

    [Fact]
    public async Task NotifyNone_StopsNotifications()
    {
        var user = await NewUserAsync();
        await using var watcher = await host.LoginAsync(user);
        await using var other = await host.LoginAsync(user);
        await watcher.CommandAsync("n NOTIFY SET (personal (MailboxName))");
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY NONE"));
        await other.CommandAsync("c CREATE quiet");
        Assert.Equal(["z OK NOOP completed"], await watcher.CommandAsync("z NOOP"));
    }

    [Theory]
    [InlineData("n NOTIFY SET (personal (AnnotationChange))", "n NO [BADEVENT (")]
    [InlineData("n NOTIFY SET (personal (NoSuchEvent))", "n NO [BADEVENT (")]
    [InlineData("n NOTIFY SET (selected (MessageNew))", "n BAD ")]
    [InlineData("n NOTIFY SET (selected (FlagChange))", "n BAD ")]
    [InlineData("n NOTIFY SET (selected NONE) (selected-delayed NONE)", "n BAD ")]
    [InlineData("n NOTIFY SET (personal (MessageNew (UID)))", "n BAD ")]
    [InlineData("n NOTIFY SET (nowhere (MessageNew))", "n BAD ")]
    [InlineData("n NOTIFY", "n BAD ")]
    public async Task InvalidNotify_Refused(string command, string expected)
    {
        await using var c = await host.LoginAsync(MailHostFixture.Alice);
        Assert.StartsWith(expected, (await c.CommandAsync(command))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionFallingBehind_GetsNotificationOverflowAndNotifyEnds()
    {
        await using var small = await MailHostFixture.StartAsync(new Dictionary<string, string?> { ["Mail:Imap:Limits:MaxPendingNotifications"] = "3" });
        var endpoint = small.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap);
        await using var watcher = await ImapTestConnection.ConnectAsync(endpoint);
        await using var other = await ImapTestConnection.ConnectAsync(endpoint);
        await watcher.CommandAsync($"l LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}");
        await other.CommandAsync($"l LOGIN {MailHostFixture.Alice} {MailHostFixture.Password}");
        await watcher.CommandAsync("n NOTIFY SET (personal (MailboxName))");
        // While a command is half sent (waiting for its literal) nothing is written: the notifications pile up.
        await watcher.SendAsync("s STATUS {5}\r\n");
        Assert.StartsWith("+ ", await watcher.ReadLineAsync(), StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            await other.CommandAsync($"c CREATE pile{i}");
        }
        await watcher.SendAsync("INBOX (MESSAGES)\r\n");
        var lines = await watcher.ReadUntilTaggedAsync("s");
        Assert.Contains(lines, l => l.StartsWith("* OK [NOTIFICATIONOVERFLOW]", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("* LIST", StringComparison.Ordinal));
        await other.CommandAsync("c CREATE after");
        Assert.Equal(["z OK NOOP completed"], await watcher.CommandAsync("z NOOP"));
    }

    [Fact]
    public async Task MailKit_NotifyThenIdle_SeesCountOfOtherFolderChange()
    {
        var user = await NewUserAsync();
        await using (var setup = await host.LoginAsync(user))
        {
            await ImapTranscript.CreateWithAsync(setup, "watched", ImapTestMessages.Simple());
        }
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", host.Endpoint(Mail.Shared.Hosting.MailEndpoints.Imap).Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailHostFixture.Password);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Notify));
        var watched = await client.GetFolderAsync("watched");
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        await client.NotifyAsync(true, [new ImapEventGroup(new ImapMailboxFilter.Mailboxes(watched), new ImapEvent.MessageNew(MessageSummaryItems.None), ImapEvent.MessageExpunge)]);
        Assert.Equal(1, watched.Count);

        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        watched.CountChanged += (_, _) => done.Cancel();
        var idle = client.IdleAsync(done.Token);
        await using (var other = await host.LoginAsync(user))
        {
            await other.SendAsync(ImapTestMessages.AppendPlus("a", "watched", ImapTestMessages.Simple("second")));
            await other.ReadUntilTaggedAsync("a");
        }
        await idle;
        Assert.Equal(2, watched.Count);
        await client.DisconnectAsync(true);
    }
}

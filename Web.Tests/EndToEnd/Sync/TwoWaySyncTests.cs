using System.Globalization;
using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using Xunit.Abstractions;
using static Mail.Web.Tests.EndToEnd.Sync.SyncMailbox;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>
/// Real two-way sync clients (isync's mbsync, offlineimap3) between the real server and a local Maildir: seeded on
/// the server, then flags, deletes, moves and new folders made on each side, then synced; the server (read over IMAP)
/// and the Maildir must hold the same messages in the same folders with the same flags.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwoWaySyncTests(SyncServerFixture fixture, ITestOutputHelper output) : IClassFixture<SyncServerFixture>
{
    private int Port => fixture.Server.ImapPort;

    [Fact]
    public async Task Mbsync_ChangesOnBothSides_ServerAndMaildirMatch()
    {
        var user = await fixture.NewUserAsync("mbsync");
        var work = TestPaths.NewTempDirectory("sync-mbsync");
        var maildir = Path.Combine(work, "Maildir");
        Directory.CreateDirectory(maildir);
        var config = Path.Combine(work, "mbsyncrc");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount server
            Host 127.0.0.1
            Port {Port}
            User {user}
            Pass {MailServerProcess.DefaultPassword}
            SSLType None
            AuthMechs LOGIN

            IMAPStore far
            Account server

            MaildirStore near
            Path {maildir}/
            Inbox {maildir}/INBOX
            SubFolders Verbatim

            Channel all
            Far :far:
            Near :near:
            Patterns *
            Create Both
            Expunge Both
            Sync All
            SyncState *

            """);
        await TwoWayScenarioAsync(user, maildir, lfLineEnds: true, async () =>
        {
            var run = await ClientScripts.RunToolAsync("mbsync", ["-c", config, "-a"], work);
            output.WriteLine("mbsync: " + (run.StandardOutput + run.StandardError).Trim());
        });
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task Offlineimap_ChangesOnBothSides_ServerAndMaildirMatch()
    {
        var user = await fixture.NewUserAsync("offlineimap");
        var work = TestPaths.NewTempDirectory("sync-offlineimap");
        var maildir = Path.Combine(work, "Maildir");
        Directory.CreateDirectory(maildir);
        var config = Path.Combine(work, "offlineimaprc");
        await File.WriteAllTextAsync(config, $"""
            [general]
            accounts = test
            metadata = {work}/metadata
            ui = basic

            [Account test]
            localrepository = local
            remoterepository = remote

            [Repository local]
            type = Maildir
            localfolders = {maildir}

            [Repository remote]
            type = IMAP
            remotehost = 127.0.0.1
            remoteport = {Port}
            remoteuser = {user}
            remotepass = {MailServerProcess.DefaultPassword}
            ssl = no
            starttls = no
            auth_mechanisms = PLAIN, LOGIN

            """);
        await TwoWayScenarioAsync(user, maildir, lfLineEnds: false, async () =>
        {
            var run = await ClientScripts.RunToolAsync("offlineimap", ["-c", config, "-o", "-u", "basic"], work);
            output.WriteLine("offlineimap: " + string.Join('\n', (run.StandardOutput + run.StandardError).Split('\n').Where(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("WARNING", StringComparison.Ordinal))));
        });
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Seeds, syncs, changes both sides, syncs twice, and compares server and Maildir.</summary>
    private async Task TwoWayScenarioAsync(string user, string maildir, bool lfLineEnds, Func<Task> sync)
    {
        using (var client = await ConnectAsync(Port, user))
        {
            for (var n = 1; n <= 10; n++)
            {
                await AppendAsync(client, "INBOX", Id(n), n switch { 1 => MessageFlags.Seen, 2 => MessageFlags.Flagged, _ => MessageFlags.None });
            }
            for (var n = 11; n <= 13; n++)
            {
                await AppendAsync(client, "Archive", Id(n), MessageFlags.Seen);
            }
            await client.DisconnectAsync(quit: true);
        }

        await sync();
        await AssertSameAsync(user, maildir, "after the first sync");

        // Local changes: a flag, a delete, a move, a new folder with a message, a new message.
        var inbox = Path.Combine(maildir, "INBOX");
        SetMaildirFlags(MaildirFile(inbox, Id(3)), "FS");
        File.Delete(MaildirFile(inbox, Id(4)));
        MoveMaildirFile(MaildirFile(inbox, Id(5)), Path.Combine(maildir, "Archive"));
        DeliverToMaildir(Path.Combine(maildir, "LocalNew"), Id(20), lfLineEnds);
        DeliverToMaildir(inbox, Id(21), lfLineEnds);

        // Server changes: flags, a delete, a move, a new folder with a message, a new message.
        using (var client = await ConnectAsync(Port, user))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await client.Inbox.AddFlagsAsync(await FindAsync(client.Inbox, Id(6)), MessageFlags.Flagged, silent: true);
            await client.Inbox.AddFlagsAsync(await FindAsync(client.Inbox, Id(7)), MessageFlags.Answered | MessageFlags.Seen, silent: true);
            var doomed = await FindAsync(client.Inbox, Id(8));
            await client.Inbox.AddFlagsAsync(doomed, MessageFlags.Deleted, silent: true);
            await client.Inbox.ExpungeAsync([doomed]);
            await client.Inbox.MoveToAsync(await FindAsync(client.Inbox, Id(9)), await GetOrCreateAsync(client, "Archive"));
            await client.Inbox.CloseAsync();
            await AppendAsync(client, "ServerNew", Id(30));
            await AppendAsync(client, "INBOX", Id(31));
            await client.DisconnectAsync(quit: true);
        }

        await sync();
        await sync();
        var server = await AssertSameAsync(user, maildir, "after the changes on both sides");

        Assert.Null(server.FolderOf(Id(4)));
        Assert.Null(server.FolderOf(Id(8)));
        Assert.Equal("Archive", server.FolderOf(Id(5)));
        Assert.Equal("Archive", server.FolderOf(Id(9)));
        Assert.Equal("LocalNew", server.FolderOf(Id(20)));
        Assert.Equal("INBOX", server.FolderOf(Id(21)));
        Assert.Equal("ServerNew", server.FolderOf(Id(30)));
        Assert.Equal("INBOX", server.FolderOf(Id(31)));
        Assert.Equal("FS", server.FlagsOf(Id(3)));
        Assert.Equal("F", server.FlagsOf(Id(6)));
        Assert.Equal("RS", server.FlagsOf(Id(7)));
        Assert.Equal("S", server.FlagsOf(Id(1)));
        Assert.Equal("F", server.FlagsOf(Id(2)));
    }

    private async Task<MailboxTree> AssertSameAsync(string user, string maildir, string when)
    {
        var server = await ReadServerAsync(Port, user);
        var local = ReadMaildir(maildir);
        output.WriteLine($"{when}:\nserver\n{server.Describe()}\nmaildir\n{local.Describe()}");
        Assert.Equal(server.Describe(), local.Describe());
        Assert.True(server.Values.Sum(f => f.Count) >= 10, "the server lost messages: " + server.Describe());
        return server;
    }

    /// <summary>The number of messages, for messages.</summary>
    internal static string Count(MailboxTree tree) => tree.Values.Sum(f => f.Count).ToString(CultureInfo.InvariantCulture);
}

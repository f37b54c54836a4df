using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using Xunit.Abstractions;
using static Mail.Web.Tests.EndToEnd.Sync.SyncMailbox;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>
/// Two-way sync written on client libraries against the real server: python3's imaplib (CONDSTORE: CHANGEDSINCE,
/// UNCHANGEDSINCE, UID EXPUNGE) and MailKit (QRESYNC: SELECT with known UIDs, VANISHED (EARLIER)), each keeping a
/// local Maildir of corpus messages. Flags, deletes, moves, new folders and new messages are made locally and by
/// other sessions between syncs; afterwards both sides hold the same messages in the same folders with the same
/// flags, and every local file is byte for byte the server's message.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LibrarySyncTests(SyncServerFixture fixture, ITestOutputHelper output) : IClassFixture<SyncServerFixture>
{
    private int Port => fixture.Server.ImapPort;

    [Fact]
    public async Task PythonImaplib_ChangesOnBothSidesAndFromOtherSessions_ServerAndMaildirMatchByteForByte()
    {
        var user = await fixture.NewUserAsync("imaplib");
        var work = TestPaths.NewTempDirectory("sync-imaplib");
        var maildir = Path.Combine(work, "Maildir");
        Directory.CreateDirectory(maildir);
        await ScenarioAsync(user, maildir, async () =>
        {
            var run = await ClientScripts.RunPythonAsync("imaplib_sync.py", "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), user, MailServerProcess.DefaultPassword, maildir);
            output.WriteLine("imaplib_sync.py: " + string.Join(" | ", (run.StandardOutput + run.StandardError).Trim().Split('\n')));
            Assert.True(run.ExitCode == 0, "imaplib_sync.py failed: " + run.StandardOutput + run.StandardError);
        });
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task MailKitQResync_ChangesOnBothSidesAndFromOtherSessions_ServerAndMaildirMatchByteForByte()
    {
        var user = await fixture.NewUserAsync("mailkit");
        var work = TestPaths.NewTempDirectory("sync-mailkit");
        var maildir = Path.Combine(work, "Maildir");
        Directory.CreateDirectory(maildir);
        var sync = new MailKitMaildirSync(maildir);
        await ScenarioAsync(user, maildir, async () =>
        {
            sync.Report.Clear();
            using var client = await ConnectAsync(Port, user);
            await sync.SyncAsync(client);
            await client.DisconnectAsync(quit: true);
            output.WriteLine("MailKit sync: " + string.Join(" | ", sync.Report));
        });
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Seeds, syncs, changes both sides (and again from another session), syncs, and compares server and Maildir.</summary>
    private async Task ScenarioAsync(string user, string maildir, Func<Task> sync)
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

        // Local changes: flags, a delete, a move, a new folder with a message, a new message (LF line ends).
        var inbox = Path.Combine(maildir, "INBOX");
        SetMaildirFlags(MaildirFile(inbox, Id(3)), "FS");
        File.Delete(MaildirFile(inbox, Id(4)));
        MoveMaildirFile(MaildirFile(inbox, Id(5)), Path.Combine(maildir, "Archive"));
        DeliverToMaildir(Path.Combine(maildir, "LocalNew"), Id(20), lfLineEnds: true);
        DeliverToMaildir(inbox, Id(21), lfLineEnds: false);

        // Another session: flags, an expunge, a move, a new folder with a message, a new message.
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
        await AssertSameAsync(user, maildir, "after the changes on both sides");

        // Between two syncs, another session changes what this client already synced: a flag removed, an expunge.
        using (var client = await ConnectAsync(Port, user))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await client.Inbox.RemoveFlagsAsync(await FindAsync(client.Inbox, Id(1)), MessageFlags.Seen, silent: true);
            var archive = await GetOrCreateAsync(client, "Archive");
            await client.Inbox.CloseAsync();
            await archive.OpenAsync(FolderAccess.ReadWrite);
            var doomed = await FindAsync(archive, Id(11));
            await archive.AddFlagsAsync(doomed, MessageFlags.Deleted, silent: true);
            await archive.ExpungeAsync([doomed]);
            await archive.CloseAsync();
            await client.DisconnectAsync(quit: true);
        }
        await sync();
        var server = await AssertSameAsync(user, maildir, "after another session's changes");

        Assert.Null(server.FolderOf(Id(4)));
        Assert.Null(server.FolderOf(Id(8)));
        Assert.Null(server.FolderOf(Id(11)));
        Assert.Equal("Archive", server.FolderOf(Id(5)));
        Assert.Equal("Archive", server.FolderOf(Id(9)));
        Assert.Equal("LocalNew", server.FolderOf(Id(20)));
        Assert.Equal("INBOX", server.FolderOf(Id(21)));
        Assert.Equal("ServerNew", server.FolderOf(Id(30)));
        Assert.Equal("INBOX", server.FolderOf(Id(31)));
        Assert.Equal("FS", server.FlagsOf(Id(3)));
        Assert.Equal("F", server.FlagsOf(Id(6)));
        Assert.Equal("RS", server.FlagsOf(Id(7)));
        Assert.Equal("", server.FlagsOf(Id(1)));
        Assert.Equal("F", server.FlagsOf(Id(2)));
    }

    private async Task<MailboxTree> AssertSameAsync(string user, string maildir, string when)
    {
        var server = await ReadServerAsync(Port, user);
        var local = ReadMaildir(maildir);
        output.WriteLine($"{when}:\nserver\n{server.Describe()}\nmaildir\n{local.Describe()}");
        Assert.Equal(server.Describe(), local.Describe());
        Assert.True(server.Values.Sum(f => f.Count) >= 10, "the server lost messages: " + server.Describe());

        // Byte for byte: every local file is the server's message.
        var octets = await ReadServerOctetsAsync(user);
        foreach (var folderPath in Directory.EnumerateDirectories(maildir).Where(d => Directory.Exists(Path.Combine(d, "cur"))))
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(folderPath, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(folderPath, "new"))))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                var key = Path.GetFileName(folderPath) + "/" + IdOf(bytes);
                Assert.True(octets.TryGetValue(key, out var expected), $"{key} is not on the server");
                Assert.True(expected.AsSpan().SequenceEqual(bytes), $"{key}: the local file differs from the server's message ({bytes.Length} vs {expected.Length} octets)");
            }
        }
        output.WriteLine($"{when}: {octets.Count} messages identical on both sides");
        return server;
    }

    /// <summary>"folder/X-Sync-Id" → the message's octets on the server (BODY.PEEK[]).</summary>
    private async Task<Dictionary<string, byte[]>> ReadServerOctetsAsync(string user)
    {
        using var client = await ConnectAsync(Port, user);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var folders = new List<IMailFolder> { client.Inbox };
        folders.AddRange((await client.GetFolder(client.PersonalNamespaces[0]).GetSubfoldersAsync(subscribedOnly: false))
            .Where(f => !string.Equals(f.FullName, "INBOX", StringComparison.OrdinalIgnoreCase) && !f.Attributes.HasFlag(FolderAttributes.NoSelect)));
        foreach (var folder in folders)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly);
            for (var i = 0; i < folder.Count; i++)
            {
                await using var stream = await folder.GetStreamAsync(i, "");
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                var bytes = copy.ToArray();
                result[folder.FullName + "/" + IdOf(bytes)] = bytes;
            }
            await folder.CloseAsync();
        }
        await client.DisconnectAsync(quit: true);
        return result;
    }
}

using Mail.Web.Tests.EndToEnd.Clients;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using Xunit.Abstractions;
using static Mail.Web.Tests.EndToEnd.Sync.SyncMailbox;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>
/// Real one-way retrieval clients over IMAP (getmail6, fetchmail): they only download (and delete on the server
/// when told to), so the two sides must agree on which messages were fetched, which are new, and which are gone.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RetrievalSyncTests(SyncServerFixture fixture, ITestOutputHelper output) : IClassFixture<SyncServerFixture>
{
    private int Port => fixture.Server.ImapPort;

    [Fact]
    public async Task Getmail_NewOnlyThenDelete_MaildirGetsEachMessageOnceAndServerEmpties()
    {
        var user = await fixture.NewUserAsync("getmail");
        var work = TestPaths.NewTempDirectory("sync-getmail");
        var maildir = Path.Combine(work, "Maildir");
        foreach (var sub in (string[])["cur", "new", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        }
        // getmail refuses to deliver as root: the Maildir belongs to nobody, who writes it.
        await ClientScripts.RunToolAsync("chown", ["-R", "nobody", maildir]);
        async Task RunAsync(bool delete)
        {
            await File.WriteAllTextAsync(Path.Combine(work, "getmailrc"), $"""
                [retriever]
                type = SimpleIMAPRetriever
                server = 127.0.0.1
                port = {Port}
                username = {user}
                password = {MailServerProcess.DefaultPassword}
                mailboxes = ("INBOX", "Archive")

                [destination]
                type = Maildir
                path = {maildir}/
                user = nobody

                [options]
                read_all = false
                delete = {(delete ? "true" : "false")}
                delivered_to = false
                received = false
                verbose = 0

                """);
            var run = await ClientScripts.RunToolAsync("getmail", ["--getmaildir", work, "--rcfile", "getmailrc"], work);
            output.WriteLine("getmail: " + (run.StandardOutput + run.StandardError).Trim());
        }

        await SeedAsync(user);
        await RunAsync(delete: false);
        Assert.Equal(Ids(1, 7), LocalIds(maildir));

        await ChangeServerAsync(user);
        await RunAsync(delete: false);
        Assert.Equal(Ids(1, 8), LocalIds(maildir)); // only m008 is new; m001 stays local after its expunge

        await RunAsync(delete: true);
        var server = await ReadServerAsync(Port, user);
        Assert.Equal("", server.Describe());
        Assert.Equal(Ids(1, 8), LocalIds(maildir));
        Assert.Equal(8, Directory.EnumerateFiles(maildir, "*", SearchOption.AllDirectories).Count());
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task Fetchmail_UnseenThenFetchallNokeep_ServerFlagsAndContentsFollow()
    {
        var user = await fixture.NewUserAsync("fetchmail");
        var work = TestPaths.NewTempDirectory("sync-fetchmail");
        var folder = Path.Combine(work, "messages");
        Directory.CreateDirectory(folder);
        var mda = $"{ClientScripts.Python} {ClientScripts.PathOf("mda_to_folder.py")} {folder}";
        async Task<string> RunAsync(string keep)
        {
            var rc = Path.Combine(work, "fetchmailrc");
            await File.WriteAllTextAsync(rc, $"""
                set no bouncemail
                set invisible
                poll 127.0.0.1 service {Port} protocol IMAP auth password
                    user "{user}" there with password "{MailServerProcess.DefaultPassword}" is "root" here
                    folder INBOX,Archive
                    {keep} no rewrite sslproto '' mda "{mda}"

                """);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rc file
            }
            var result = await ExternalProcess.RunAsync("fetchmail", ["-f", rc, "--pidfile", Path.Combine(work, "fetchmail.pid"), "--nosyslog", "--nodetach", "--silent"], TimeSpan.FromMinutes(5),
                workingDirectory: work, environment: new Dictionary<string, string> { ["FETCHMAILHOME"] = work });
            // Exit 1 is "no mail", not an error (fetchmail(1), EXIT CODES).
            Assert.True(result.ExitCode is 0 or 1, result.Transcript);
            return result.Transcript;
        }

        await SeedAsync(user);
        var first = await RunAsync("keep");
        Assert.True(Ids(1, 7).SequenceEqual(FolderIds(folder)), $"fetched {string.Join(' ', FolderIds(folder))}\n{first}");
        var afterFirst = await ReadServerAsync(Port, user);
        Assert.All(Ids(1, 7), id => Assert.Contains("S", afterFirst.FlagsOf(id), StringComparison.Ordinal)); // fetched = \Seen

        await ChangeServerAsync(user);
        await RunAsync("keep");
        Assert.Equal(Ids(1, 8), FolderIds(folder)); // only the unseen m008 is fetched
        Assert.Equal(8, Directory.EnumerateFiles(folder).Count());

        await RunAsync("fetchall nokeep");
        Assert.Equal("", (await ReadServerAsync(Port, user)).Describe());
        Assert.Equal(Ids(2, 8).Append(Id(1)).Order(StringComparer.Ordinal), FolderIds(folder));
        Directory.Delete(work, recursive: true);
    }

    /// <summary>INBOX m001..m005, Archive m006..m007.</summary>
    private async Task SeedAsync(string user)
    {
        using var client = await ConnectAsync(Port, user);
        for (var n = 1; n <= 7; n++)
        {
            await AppendAsync(client, n <= 5 ? "INBOX" : "Archive", Id(n));
        }
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>A new m008 in INBOX and m001 expunged.</summary>
    private async Task ChangeServerAsync(string user)
    {
        using var client = await ConnectAsync(Port, user);
        await AppendAsync(client, "INBOX", Id(8));
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var doomed = await FindAsync(client.Inbox, Id(1));
        await client.Inbox.AddFlagsAsync(doomed, MessageFlags.Deleted, silent: true);
        await client.Inbox.ExpungeAsync([doomed]);
        await client.DisconnectAsync(quit: true);
    }

    private static List<string> Ids(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(Id)];

    private static List<string> LocalIds(string maildir) =>
        [.. ReadMaildir(Path.GetDirectoryName(maildir)!).Where(f => f.Key == Path.GetFileName(maildir)).SelectMany(f => f.Value.Keys).Order(StringComparer.Ordinal)];

    private static List<string> FolderIds(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(f => IdOf(File.ReadAllBytes(f)) ?? "?").Distinct().Order(StringComparer.Ordinal)];
}

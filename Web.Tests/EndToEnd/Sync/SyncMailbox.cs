using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mail.Web.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>Folder name → (X-Sync-Id → flag letters in Maildir order, e.g. "FRS"): a mailbox tree as a sync client must keep it.</summary>
public sealed class MailboxTree : SortedDictionary<string, SortedDictionary<string, string>>
{
    public MailboxTree()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The folders that hold messages, one per line, for assertion messages and equality.</summary>
    public string Describe() => string.Join("\n", this.Where(f => f.Value.Count > 0)
        .Select(f => f.Key + ": " + string.Join(' ', f.Value.Select(m => m.Value.Length == 0 ? m.Key : m.Key + ":" + m.Value))));

    /// <summary>The folder holding <paramref name="id"/>, or null.</summary>
    public string? FolderOf(string id) => this.FirstOrDefault(f => f.Value.ContainsKey(id)).Key;

    /// <summary>The flags of <paramref name="id"/> wherever it is.</summary>
    public string FlagsOf(string id) => this.Values.First(f => f.ContainsKey(id))[id];
}

/// <summary>
/// The server side of the sync tests: corpus messages tagged with an <c>X-Sync-Id</c> header, seeded and changed
/// with MailKit, and read back as a <see cref="MailboxTree"/> (flags \Seen, \Flagged, \Answered, \Draft only: the ones a
/// Maildir file name carries).
/// </summary>
public static partial class SyncMailbox
{
    /// <summary>A corpus message (one with a body, so every client keeps it) with <c>X-Sync-Id: id</c> as its first line.</summary>
    public static byte[] Message(string id)
    {
        var usable = s_usable.Value;
        var index = Math.Abs(id.GetHashCode(StringComparison.Ordinal)) % usable.Count;
        return [.. Encoding.ASCII.GetBytes($"X-Sync-Id: {id}\r\n"), .. usable[index].Bytes];
    }

    private static readonly Lazy<List<CorpusMessage>> s_usable = new(() => [.. CorpusMessages.All
        .Where(m => m.Bytes.Length < 64 * 1024 && m.Bytes.AsSpan().IndexOf("\r\n\r\n"u8) > 0 && !m.Bytes.AsSpan().StartsWith("From "u8))
        .OrderBy(m => m.Name, StringComparer.Ordinal)]);

    /// <summary>The <c>X-Sync-Id</c> of a message (CRLF or LF line ends), or null.</summary>
    public static string? IdOf(ReadOnlySpan<byte> message)
    {
        var text = Encoding.Latin1.GetString(message[..Math.Min(message.Length, 8192)]);
        var match = SyncIdHeader().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>Connects and logs in with MailKit.</summary>
    public static async Task<ImapClient> ConnectAsync(int port, string user)
    {
        var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServerProcess.DefaultPassword);
        return client;
    }

    /// <summary>APPENDs message <paramref name="id"/> to <paramref name="folder"/> (created when missing) with <paramref name="flags"/>.</summary>
    public static async Task AppendAsync(ImapClient client, string folder, string id, MessageFlags flags = MessageFlags.None)
    {
        var target = await GetOrCreateAsync(client, folder);
        using var stream = new MemoryStream(Message(id));
        var message = await MimeMessage.LoadAsync(stream);
        await target.AppendAsync(new AppendRequest(message, flags));
    }

    /// <summary>The folder, created (and subscribed) when missing.</summary>
    public static async Task<IMailFolder> GetOrCreateAsync(ImapClient client, string folder)
    {
        if (string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var existing = (await root.GetSubfoldersAsync()).FirstOrDefault(f => f.FullName == folder);
        if (existing is not null)
        {
            return existing;
        }
        var created = await root.CreateAsync(folder, isMessageFolder: true) ?? throw new InvalidOperationException("CREATE " + folder + " gave no folder");
        await created.SubscribeAsync();
        return created;
    }

    /// <summary>The UID of message <paramref name="id"/> in the opened <paramref name="folder"/>.</summary>
    public static async Task<UniqueId> FindAsync(IMailFolder folder, string id)
    {
        var found = await folder.SearchAsync(SearchQuery.HeaderContains("X-Sync-Id", id));
        return found.Count == 1 ? found[0] : throw new InvalidOperationException($"{id} is {found.Count} times in {folder.FullName}");
    }

    /// <summary>Every folder's messages with their flags, read over IMAP.</summary>
    public static async Task<MailboxTree> ReadServerAsync(int port, string user)
    {
        using var client = await ConnectAsync(port, user);
        var tree = new MailboxTree();
        var folders = new List<IMailFolder> { client.Inbox };
        folders.AddRange((await client.GetFolder(client.PersonalNamespaces[0]).GetSubfoldersAsync(subscribedOnly: false))
            .Where(f => !string.Equals(f.FullName, "INBOX", StringComparison.OrdinalIgnoreCase)));
        foreach (var folder in folders)
        {
            var messages = new SortedDictionary<string, string>(StringComparer.Ordinal);
            tree[folder.FullName] = messages;
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect))
            {
                continue;
            }
            await folder.OpenAsync(FolderAccess.ReadOnly);
            if (folder.Count > 0)
            {
                var summaries = await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.Flags | MessageSummaryItems.UniqueId) { Headers = new HeaderSet(["X-Sync-Id"]) });
                foreach (var summary in summaries)
                {
                    var id = summary.Headers?["X-Sync-Id"] ?? throw new InvalidOperationException($"UID {summary.UniqueId} in {folder.FullName} has no X-Sync-Id");
                    Assert.True(messages.TryAdd(id.Trim(), Letters(summary.Flags ?? MessageFlags.None)), $"{id} twice in {folder.FullName}");
                }
            }
            await folder.CloseAsync();
        }
        await client.DisconnectAsync(quit: true);
        return tree;
    }

    /// <summary>
    /// A Maildir tree (<c>root/&lt;folder&gt;/{cur,new}</c>, one level): flags from the <c>:2,</c> info of each file name;
    /// files flagged T (trashed) are left out, as a sync client expunges them.
    /// </summary>
    public static MailboxTree ReadMaildir(string root)
    {
        var tree = new MailboxTree();
        foreach (var folderPath in Directory.EnumerateDirectories(root).Where(d => Directory.Exists(Path.Combine(d, "cur"))))
        {
            var messages = new SortedDictionary<string, string>(StringComparer.Ordinal);
            tree[Path.GetFileName(folderPath)] = messages;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(folderPath, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(folderPath, "new"))))
            {
                var info = MaildirInfo(file);
                if (info.Contains('T', StringComparison.Ordinal))
                {
                    continue;
                }
                var id = IdOf(File.ReadAllBytes(file)) ?? throw new InvalidOperationException($"{file} has no X-Sync-Id");
                Assert.True(messages.TryAdd(id, new string([.. info.Where(c => "DFRS".Contains(c, StringComparison.Ordinal)).Order()])), $"{id} twice in {folderPath}");
            }
        }
        return tree;
    }

    /// <summary>The flag letters after <c>:2,</c> in a Maildir file name ("" when none).</summary>
    public static string MaildirInfo(string file)
    {
        var name = Path.GetFileName(file);
        var at = name.IndexOf(":2,", StringComparison.Ordinal);
        return at < 0 ? "" : name[(at + 3)..];
    }

    /// <summary>The Maildir file holding <paramref name="id"/> in <paramref name="folderPath"/>.</summary>
    public static string MaildirFile(string folderPath, string id) =>
        Directory.EnumerateFiles(Path.Combine(folderPath, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(folderPath, "new")))
            .Single(f => IdOf(File.ReadAllBytes(f)) == id);

    /// <summary>Sets the Maildir flags of a file (renames it to <c>cur/&lt;base&gt;:2,&lt;letters&gt;</c>).</summary>
    public static void SetMaildirFlags(string file, string letters)
    {
        var name = Path.GetFileName(file);
        var at = name.IndexOf(":2,", StringComparison.Ordinal);
        var baseName = at < 0 ? name : name[..at];
        var cur = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file)!)!, "cur");
        File.Move(file, Path.Combine(cur, baseName + ":2," + new string([.. letters.Order()])));
    }

    /// <summary>
    /// Moves a Maildir file to another folder as a new message there: the client's own bookkeeping in the name
    /// (<c>,U=uid</c>, <c>,FMD5=...</c>) is dropped, as a mail program moving a file would.
    /// </summary>
    public static void MoveMaildirFile(string file, string targetFolderPath)
    {
        var name = ClientBookkeeping().Replace(Path.GetFileName(file), "");
        File.Move(file, Path.Combine(targetFolderPath, "cur", name));
    }

    /// <summary>Writes a new message into <c>folderPath/new</c> (creating the Maildir folder).</summary>
    public static void DeliverToMaildir(string folderPath, string id, bool lfLineEnds)
    {
        foreach (var sub in (string[])["cur", "new", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(folderPath, sub));
        }
        var bytes = Message(id);
        if (lfLineEnds)
        {
            bytes = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal));
        }
        File.WriteAllBytes(Path.Combine(folderPath, "new", $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{id}.sync-test"), bytes);
    }

    private static string Letters(MessageFlags flags) =>
        (flags.HasFlag(MessageFlags.Draft) ? "D" : "") + (flags.HasFlag(MessageFlags.Flagged) ? "F" : "") +
        (flags.HasFlag(MessageFlags.Answered) ? "R" : "") + (flags.HasFlag(MessageFlags.Seen) ? "S" : "");

    /// <summary>A number for a message id, for messages named by number.</summary>
    public static string Id(int n) => "m" + n.ToString("D3", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^X-Sync-Id: *(\S+)\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SyncIdHeader();

    [GeneratedRegex(@",(U|FMD5)=[^,:]*", RegexOptions.CultureInvariant)]
    private static partial Regex ClientBookkeeping();
}

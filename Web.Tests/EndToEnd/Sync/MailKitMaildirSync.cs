using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Mail.Web.Tests.EndToEnd.Sync;

/// <summary>
/// A small two-way sync client built on MailKit, the way a MailKit-based app keeps a local copy: a Maildir tree
/// (<c>root/&lt;folder&gt;/{cur,new,tmp}</c>, synced files named <c>&lt;base&gt;,U=&lt;uid&gt;:2,&lt;flags&gt;</c>) and a
/// state file per folder (UIDVALIDITY, HIGHESTMODSEQ, the flags of each UID at the last sync).
/// </summary>
/// <remarks>
/// Each folder is opened with QRESYNC (RFC 7162 §3.2.5: UIDVALIDITY, HIGHESTMODSEQ and the known UIDs), so the server
/// reports what other sessions changed since the last sync as VANISHED (EARLIER) and FETCH FLAGS; local changes are
/// then pushed: new files (also moved ones, whose <c>,U=</c> is gone) are APPENDed, missing files are expunged with
/// UID EXPUNGE, changed flags are STOREd with UNCHANGEDSINCE. Local folders that the server lacks are created.
/// </remarks>
public sealed partial class MailKitMaildirSync(string root)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>What one folder looked like at the last sync.</summary>
    private sealed class FolderState
    {
        public uint UidValidity { get; set; }

        public ulong HighestModSeq { get; set; }

        /// <summary>UID → flag letters at the last sync.</summary>
        public SortedDictionary<uint, string> Flags { get; set; } = [];
    }

    /// <summary>Lines for the test's report: what each sync did.</summary>
    public List<string> Report { get; } = [];

    /// <summary>Syncs every folder in both directions over one connection.</summary>
    public async Task SyncAsync(ImapClient client)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.QuickResync))
        {
            throw new InvalidOperationException("the server does not offer QRESYNC");
        }
        await client.EnableQuickResyncAsync();
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var serverFolders = new Dictionary<string, IMailFolder>(StringComparer.Ordinal) { ["INBOX"] = client.Inbox };
        foreach (var folder in await personal.GetSubfoldersAsync(subscribedOnly: false))
        {
            if (!string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase) && !folder.Attributes.HasFlag(FolderAttributes.NoSelect))
            {
                serverFolders[folder.FullName] = folder;
            }
        }
        foreach (var local in Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            if (!serverFolders.ContainsKey(local))
            {
                var created = await personal.CreateAsync(local, isMessageFolder: true) ?? throw new InvalidOperationException("CREATE " + local);
                await created.SubscribeAsync();
                serverFolders[local] = created;
                Report.Add($"created {local} on the server");
            }
        }
        foreach (var (name, folder) in serverFolders.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await SyncFolderAsync(name, folder);
        }
    }

    private async Task SyncFolderAsync(string name, IMailFolder folder)
    {
        var path = Path.Combine(root, name);
        foreach (var sub in (string[])["cur", "new", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(path, sub));
        }
        var statePath = Path.Combine(path, ".mailkit-sync.json");
        var state = File.Exists(statePath) ? JsonSerializer.Deserialize<FolderState>(await File.ReadAllTextAsync(statePath)) ?? new FolderState() : new FolderState();

        var vanished = new List<UniqueId>();
        void OnVanished(object? sender, MessagesVanishedEventArgs e) => vanished.AddRange(e.UniqueIds);
        folder.MessagesVanished += OnVanished;
        try
        {
            if (state.UidValidity != 0)
            {
                // RFC 7162 §3.2.5: the server replies with what changed since HIGHESTMODSEQ for the UIDs we know.
                await folder.OpenAsync(FolderAccess.ReadWrite, state.UidValidity, state.HighestModSeq, [.. state.Flags.Keys.Select(u => new UniqueId(state.UidValidity, u))]);
            }
            else
            {
                await folder.OpenAsync(FolderAccess.ReadWrite);
            }
        }
        finally
        {
            folder.MessagesVanished -= OnVanished;
        }
        var openedModSeq = folder.HighestModSeq;
        if (folder.UidValidity != state.UidValidity)
        {
            state = new FolderState { UidValidity = folder.UidValidity };
        }
        var local = LocalFiles(path);

        // Pull: expunged on the server (VANISHED), flags changed since HIGHESTMODSEQ, new messages.
        foreach (var uid in vanished.Select(u => u.Id).Where(state.Flags.ContainsKey))
        {
            if (local.Remove(uid, out var file))
            {
                File.Delete(file);
            }
            state.Flags.Remove(uid);
            Report.Add($"{name}: UID {uid} vanished on the server, deleted here");
        }
        if (folder.Count > 0)
        {
            var changed = state.HighestModSeq == 0 ? [] : await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { ChangedSince = state.HighestModSeq });
            foreach (var summary in changed.Where(s => state.Flags.ContainsKey(s.UniqueId.Id)))
            {
                var letters = Letters(summary.Flags ?? MessageFlags.None);
                if (local.TryGetValue(summary.UniqueId.Id, out var file) && LocalLetters(file) == state.Flags[summary.UniqueId.Id])
                {
                    local[summary.UniqueId.Id] = Rename(file, summary.UniqueId.Id, letters);
                    state.Flags[summary.UniqueId.Id] = letters;
                    Report.Add($"{name}: UID {summary.UniqueId.Id} flags {letters} from the server");
                }
            }
            var all = await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags));
            foreach (var summary in all.Where(s => !state.Flags.ContainsKey(s.UniqueId.Id)))
            {
                var letters = Letters(summary.Flags ?? MessageFlags.None);
                await using var body = await folder.GetStreamAsync(summary.UniqueId, "");
                var target = Path.Combine(path, "cur", $"{Guid.NewGuid():N},U={summary.UniqueId.Id.ToString(CultureInfo.InvariantCulture)}:2,{letters}");
                await using (var file = File.Create(target))
                {
                    await body.CopyToAsync(file);
                }
                local[summary.UniqueId.Id] = target;
                state.Flags[summary.UniqueId.Id] = letters;
                Report.Add($"{name}: UID {summary.UniqueId.Id} fetched");
            }
        }

        // Push: deleted here, flags changed here, new here (also messages moved in from another folder).
        var deleted = state.Flags.Keys.Where(u => !local.ContainsKey(u)).Select(u => new UniqueId(folder.UidValidity, u)).ToList();
        if (deleted.Count > 0)
        {
            await folder.AddFlagsAsync(deleted, MessageFlags.Deleted, silent: true);
            await folder.ExpungeAsync(deleted);
            deleted.ForEach(u => state.Flags.Remove(u.Id));
            Report.Add($"{name}: expunged {deleted.Count} deleted here");
        }
        foreach (var (uid, file) in local.Where(l => l.Key != 0 && state.Flags.ContainsKey(l.Key)).ToList())
        {
            var letters = LocalLetters(file);
            if (letters != state.Flags[uid])
            {
                var failed = await folder.StoreAsync([new UniqueId(folder.UidValidity, uid)], new StoreFlagsRequest(StoreAction.Set, Flags(letters)) { Silent = true, UnchangedSince = state.HighestModSeq });
                if (failed.Count == 0)
                {
                    state.Flags[uid] = letters;
                    Report.Add($"{name}: UID {uid} flags {letters} to the server");
                }
            }
        }
        foreach (var file in NewFiles(path))
        {
            var letters = LocalLetters(file);
            var message = await MimeMessage.LoadAsync(file);
            var uid = await folder.AppendAsync(new AppendRequest(message, Flags(letters)));
            if (uid is not { } appended)
            {
                throw new InvalidOperationException("APPEND gave no APPENDUID");
            }
            // The server's copy is the one kept: byte for byte what the server stores from now on.
            await using (var body = await folder.GetStreamAsync(appended, ""))
            await using (var copy = File.Create(Path.Combine(path, "cur", $"{Guid.NewGuid():N},U={appended.Id.ToString(CultureInfo.InvariantCulture)}:2,{letters}")))
            {
                await body.CopyToAsync(copy);
            }
            File.Delete(file);
            state.Flags[appended.Id] = letters;
            Report.Add($"{name}: appended as UID {appended.Id}");
        }

        await folder.CloseAsync();
        // The HIGHESTMODSEQ seen when the folder was opened: what other sessions changed after it comes next time
        // (our own changes since then come back too, and match the state).
        state.HighestModSeq = openedModSeq;
        await File.WriteAllTextAsync(statePath, JsonSerializer.Serialize(state, Json));
    }

    /// <summary>Synced files (with <c>,U=</c>) by UID.</summary>
    private static Dictionary<uint, string> LocalFiles(string path)
    {
        var files = new Dictionary<uint, string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(path, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(path, "new"))))
        {
            var match = UidInName().Match(Path.GetFileName(file));
            if (match.Success)
            {
                files[uint.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = file;
            }
        }
        return files;
    }

    /// <summary>Files without a UID: new here, or moved here from another folder.</summary>
    private static List<string> NewFiles(string path) =>
        Directory.EnumerateFiles(Path.Combine(path, "cur")).Concat(Directory.EnumerateFiles(Path.Combine(path, "new")))
            .Where(f => !UidInName().IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();

    private static string LocalLetters(string file) => new([.. SyncMailbox.MaildirInfo(file).Where(c => "DFRS".Contains(c, StringComparison.Ordinal)).Order()]);

    private static string Rename(string file, uint uid, string letters)
    {
        var name = Path.GetFileName(file);
        var at = name.IndexOf(":2,", StringComparison.Ordinal);
        var target = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file)!)!, "cur", (at < 0 ? name : name[..at]) + ":2," + letters);
        File.Move(file, target);
        return target;
    }

    private static string Letters(MessageFlags flags) =>
        (flags.HasFlag(MessageFlags.Draft) ? "D" : "") + (flags.HasFlag(MessageFlags.Flagged) ? "F" : "") +
        (flags.HasFlag(MessageFlags.Answered) ? "R" : "") + (flags.HasFlag(MessageFlags.Seen) ? "S" : "");

    private static MessageFlags Flags(string letters) =>
        (letters.Contains('D', StringComparison.Ordinal) ? MessageFlags.Draft : 0) | (letters.Contains('F', StringComparison.Ordinal) ? MessageFlags.Flagged : 0) |
        (letters.Contains('R', StringComparison.Ordinal) ? MessageFlags.Answered : 0) | (letters.Contains('S', StringComparison.Ordinal) ? MessageFlags.Seen : 0);

    [GeneratedRegex(@",U=(\d+)")]
    private static partial Regex UidInName();
}

using System.Security.Cryptography;
using System.Text.Json;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Mail.Protocols.Smtp.Outbound;

/// <summary>
/// The durable outbound queue on disk, under <c>{DataPath}/queue/</c>:
/// <list type="bullet">
/// <item><c>messages/&lt;id&gt;.eml</c>: the message octets, never changed;</item>
/// <item><c>entries/&lt;id&gt;.json</c>: <see cref="OutboundQueueEntry"/>; its existence is the commit point;</item>
/// <item><c>tmp/</c>: files being written; <c>control/&lt;id&gt;.&lt;verb&gt;</c>: requests from <c>admin queue</c>.</item>
/// </list>
/// Every file is written to <c>tmp/</c>, fsynced, renamed into place and the directory fsynced, so a
/// kill -9 at any point leaves either the old or the new file. Enqueue writes the message before the entry,
/// so an entry always has its message; a message without entry was never acknowledged and is removed
/// by <see cref="Recover"/>. Removal deletes the entry first. The server process is the only writer of
/// <c>messages/</c> and <c>entries/</c>; the CLI only reads them and drops control files.
/// </summary>
public sealed class OutboundQueueStore
{
    /// <summary>Verbs the CLI may request through <c>control/</c>.</summary>
    public static readonly IReadOnlySet<string> ControlVerbs = new HashSet<string>(StringComparer.Ordinal) { "retry", "delete", "hold", "release" };

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Opens the queue under <paramref name="dataPath"/>, creating its directories.</summary>
    public OutboundQueueStore(string dataPath)
    {
        Root = Path.Combine(Path.GetFullPath(dataPath), "queue");
        foreach (var dir in new[] { TmpPath, MessagesPath, EntriesPath, ControlPath })
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>DI constructor: the queue of <see cref="MailOptions.DataPath"/>.</summary>
    public OutboundQueueStore(IOptions<MailOptions> options)
        : this(options.Value.FullDataPath)
    {
    }

    /// <summary>Raised after a message was committed by <c>EnqueueAsync</c>.</summary>
    public event Action<OutboundQueueEntry>? Enqueued;

    /// <summary>The queue directory.</summary>
    public string Root { get; }

    private string TmpPath => Path.Combine(Root, "tmp");

    private string MessagesPath => Path.Combine(Root, "messages");

    private string EntriesPath => Path.Combine(Root, "entries");

    /// <summary>Where the CLI drops requests.</summary>
    public string ControlPath => Path.Combine(Root, "control");

    /// <summary>
    /// Writes the message and its entry durably (file and directory fsync) and returns the entry; the caller may
    /// acknowledge (250) only after this returns.
    /// </summary>
    /// <exception cref="IOException">Disk full or another I/O error; nothing is committed.</exception>
    public Task<OutboundQueueEntry> EnqueueAsync(string sender, IReadOnlyList<string> recipients, string? authenticatedUser, Stream message, DateTimeOffset now, CancellationToken cancellationToken) =>
        EnqueueAsync(sender, recipients.Select(r => new OutboundRecipient { Address = r }).ToList(), authenticatedUser, null, null, message, now, cancellationToken);

    /// <summary>As above, with DSN parameters: per recipient NOTIFY/ORCPT, per message RET and ENVID (RFC 3461).</summary>
    public Task<OutboundQueueEntry> EnqueueAsync(string sender, List<OutboundRecipient> recipients, string? authenticatedUser, string? ret, string? envelopeId, Stream message, DateTimeOffset now, CancellationToken cancellationToken) =>
        EnqueueAsync(sender, recipients, authenticatedUser, ret, envelopeId, requireTls: false, message, now, cancellationToken);

    /// <summary>As above, with <paramref name="requireTls"/>, the REQUIRETLS flag of MAIL (RFC 8689 §4).</summary>
    public async Task<OutboundQueueEntry> EnqueueAsync(string sender, List<OutboundRecipient> recipients, string? authenticatedUser, string? ret, string? envelopeId, bool requireTls, Stream message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(message);
        var id = NewId(now);
        var tmp = Path.Combine(TmpPath, id + ".eml");
        long size;
        await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await message.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
            size = file.Length;
        }
        File.Move(tmp, MessagePath(id));
        var entry = new OutboundQueueEntry
        {
            Id = id,
            Sender = sender,
            AuthenticatedUser = authenticatedUser,
            Created = now,
            NextAttempt = now,
            Size = size,
            Ret = ret,
            EnvelopeId = envelopeId,
            RequireTls = requireTls,
            Recipients = recipients,
        };
        // The entry's directory fsync below also makes the message's rename durable only if it is the same
        // directory, so sync messages/ explicitly first.
        NativeFileSystem.SyncDirectory(MessagesPath);
        await WriteEntryAsync(entry, cancellationToken);
        Enqueued?.Invoke(entry);
        return entry;
    }

    /// <summary>Atomically replaces the entry file (temp, fsync, rename, directory fsync).</summary>
    public async Task WriteEntryAsync(OutboundQueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var tmp = Path.Combine(TmpPath, entry.Id + "." + Guid.NewGuid().ToString("N") + ".json");
        await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(file, entry, Json, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(tmp, EntryPath(entry.Id), overwrite: true);
        NativeFileSystem.SyncDirectory(EntriesPath);
    }

    /// <summary>Removes a message: the entry first (the commit point), then the message file.</summary>
    public void Remove(string id)
    {
        File.Delete(EntryPath(id));
        NativeFileSystem.SyncDirectory(EntriesPath);
        File.Delete(MessagePath(id));
    }

    /// <summary>Opens the message octets for reading.</summary>
    /// <exception cref="FileNotFoundException">No such message.</exception>
    public FileStream OpenMessage(string id) =>
        new(MessagePath(id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Reads one entry, or null when there is none (or it vanished meanwhile).</summary>
    public OutboundQueueEntry? Read(string id)
    {
        if (!IsValidId(id))
        {
            return null;
        }
        try
        {
            using var file = File.OpenRead(EntryPath(id));
            return JsonSerializer.Deserialize<OutboundQueueEntry>(file, Json);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every entry, oldest first (a consistent snapshot per file: entries are replaced by rename).</summary>
    public List<OutboundQueueEntry> ReadAll()
    {
        var result = new List<OutboundQueueEntry>();
        foreach (var path in Directory.EnumerateFiles(EntriesPath, "*.json").Order(StringComparer.Ordinal))
        {
            if (Read(Path.GetFileNameWithoutExtension(path)) is { } entry)
            {
                result.Add(entry);
            }
        }
        return result;
    }

    /// <summary>
    /// Startup recovery: deletes temp files and messages without an entry (never acknowledged), drops entries
    /// whose message is missing (reported in the result), and returns the entries to deliver.
    /// </summary>
    public (List<OutboundQueueEntry> Entries, List<string> Orphans) Recover()
    {
        foreach (var path in Directory.EnumerateFiles(TmpPath))
        {
            File.Delete(path);
        }
        var entries = ReadAll();
        var ids = entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(MessagesPath, "*.eml"))
        {
            if (!ids.Contains(Path.GetFileNameWithoutExtension(path)))
            {
                File.Delete(path);
            }
        }
        var orphans = new List<string>();
        entries.RemoveAll(e =>
        {
            if (File.Exists(MessagePath(e.Id)))
            {
                return false;
            }
            orphans.Add(e.Id);
            File.Delete(EntryPath(e.Id));
            return true;
        });
        return (entries, orphans);
    }

    /// <summary>
    /// Drops a control request for the server (used by the CLI): <c>control/&lt;id&gt;.&lt;verb&gt;</c>, created
    /// by rename so the server never sees a half-written file. Returns the file's path.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown verb or malformed id.</exception>
    public string RequestControl(string id, string verb)
    {
        if (!ControlVerbs.Contains(verb) || !IsValidId(id))
        {
            throw new ArgumentException($"bad control request '{id}.{verb}'");
        }
        var tmp = Path.Combine(TmpPath, "control-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(tmp, []);
        var path = Path.Combine(ControlPath, id + "." + verb);
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    /// <summary>
    /// The pending control requests, oldest first, with their files; the server deletes each file with
    /// <see cref="CompleteControl"/> once the request is applied, so the CLI sees "done" only then.
    /// Files that are not requests are deleted.
    /// </summary>
    public List<(string Id, string Verb, string Path)> ListControlRequests()
    {
        var requests = new List<(string Id, string Verb, string Path, DateTime Time)>();
        foreach (var path in Directory.EnumerateFiles(ControlPath))
        {
            var name = System.IO.Path.GetFileName(path);
            var dot = name.LastIndexOf('.');
            if (dot > 0 && ControlVerbs.Contains(name[(dot + 1)..]) && IsValidId(name[..dot]))
            {
                requests.Add((name[..dot], name[(dot + 1)..], path, File.GetLastWriteTimeUtc(path)));
            }
            else
            {
                CompleteControl(path);
            }
        }
        return requests.OrderBy(r => r.Time).Select(r => (r.Id, r.Verb, r.Path)).ToList();
    }

    /// <summary>Marks a control request as applied (deletes its file).</summary>
    public static void CompleteControl(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>Ids are <c>yyyyMMddHHmmssfff</c> plus 10 base32 characters: sortable and file-name safe.</summary>
    public static bool IsValidId(string id) => id.Length == 27 && id.All(char.IsAsciiLetterOrDigit);

    private string MessagePath(string id) => Path.Combine(MessagesPath, id + ".eml");

    private string EntryPath(string id) => Path.Combine(EntriesPath, id + ".json");

    private static string NewId(DateTimeOffset now)
    {
        const string alphabet = "0123456789BCDFGHJKLMNPQRSTVWXZ";
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] % alphabet.Length];
        }
        return now.UtcDateTime.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture) + new string(chars);
    }
}
